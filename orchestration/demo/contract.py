"""The picklist values and scoring numbers the demo company writes.

The generator designs its journeys around these numbers (a demo request is 40 points, the line
is 50, ...). They restate seeds/ on purpose: tests check them against the seed files, so a new
contract version fails loudly instead of silently producing leads that no longer qualify.
"""

from __future__ import annotations

# --- seeds/lead_definitions.toml, version 2025.1 -------------------------------------------
DEFINITIONS_VERSION = "2025.1"
MQL_THRESHOLD = 50
SCORING_WINDOW_DAYS = 90
MIN_EMPLOYEES = 20
EXCLUDED_INDUSTRIES = ("Education", "Non-Profit", "Government")
POINTS = {
    "form_submission": 10,
    "demo_request": 40,
    "webinar_attended": 20,
    "event_attended": 25,
    "content_download": 10,
    "email_open": 1,
    "email_click": 5,
    "partner_referral": 20,
}

# --- seeds/lead_status_map.csv ---------------------------------------------------------------
# Index = status code used in the arrays; every lead starts at code 0.
STATUSES = (
    "Open - Not Contacted",  # 0
    "Working - Contacted",  # 1
    "Accepted",  # 2
    "Qualified",  # 3
    "Closed - Converted",  # 4
    "Closed - Not Converted",  # 5
    "Unqualified",  # 6
    "Rejected - No Budget",  # 7
    "Rejected - Not a Fit",  # 8
    "Rejected - Bad Contact Data",  # 9
    "Rejected - No Response",  # 10
    "Rejected - Competitor",  # 11
    "Rejected - Duplicate",  # 12
    "Recycled",  # 13
    "Nurture",  # 14
)
OPEN, WORKING, ACCEPTED, QUALIFIED, CONVERTED = 0, 1, 2, 3, 4
# A first decision that refuses the handoff; "Unqualified" is one of them too.
REJECTIONS = (6, 7, 8, 9, 10, 11, 12)
REJECTION_WEIGHTS = (0.10, 0.18, 0.22, 0.14, 0.24, 0.05, 0.07)
RECYCLES = (13, 14)
# Sales worked the lead, then closed it without an opportunity (it still counts as accepted).
CLOSED_AFTER_WORK = (5, 6)

# --- seeds/source_channel_map.csv (Salesforce LeadSource) ------------------------------------
MARKETING_SOURCES = (
    "Web", "Organic Search", "Paid Search", "Paid Social", "Webinar", "Trade Show",
    "Content Syndication", "Email", "Phone Inquiry", "Purchased List",
)
# Sources differ in quality: purchased lists rarely qualify, webinars and paid search often do.
MARKETING_SOURCE_WEIGHTS_MQL = (0.16, 0.14, 0.20, 0.10, 0.16, 0.10, 0.05, 0.05, 0.03, 0.01)
MARKETING_SOURCE_WEIGHTS_OTHER = (0.15, 0.14, 0.14, 0.13, 0.10, 0.06, 0.10, 0.07, 0.03, 0.08)
SALES_SOURCES = ("Outbound Prospecting", "SDR Generated", "AE Referral")
SALES_SOURCE_WEIGHTS = (0.45, 0.35, 0.20)
PARTNER_SOURCES = ("Partner Referral", "Partner")
PARTNER_SOURCE_WEIGHTS = (0.8, 0.2)
LEAD_SOURCES = MARKETING_SOURCES + SALES_SOURCES + PARTNER_SOURCES
# HubSpot's original source for a contact whose Salesforce lead came from each marketing source.
HUBSPOT_SOURCE_OF = {
    "Web": "DIRECT_TRAFFIC", "Organic Search": "ORGANIC_SEARCH", "Paid Search": "PAID_SEARCH",
    "Paid Social": "PAID_SOCIAL", "Webinar": "OTHER_CAMPAIGNS", "Trade Show": "OFFLINE",
    "Content Syndication": "REFERRALS", "Email": "EMAIL_MARKETING", "Phone Inquiry": "OFFLINE",
    "Purchased List": "OFFLINE",
}

# --- seeds/owner_team_map.csv ----------------------------------------------------------------
DEPARTMENTS = {
    "marketing": ("Marketing", "Demand Generation"),
    "sdr": ("Sales Development", "Business Development"),
    "ae": ("Sales", "Account Executives"),
    "partner": ("Partnerships",),
}

# --- seeds/campaign_touch_map.csv: campaign types the demo company runs ----------------------
WEBINAR_TYPE = "Webinar"
EVENT_TYPES = ("Conference", "Trade Show", "Seminar / Conference")
CONTENT_TYPE = "Content Syndication"
PARTNER_TYPE = "Partners"
# Campaigns that exist (and cost money) but have no responded members in the demo data.
QUIET_TYPES = ("Email", "Advertisement", "Direct Mail", "Telemarketing", "Public Relations")

# --- seeds/form_touch_map.csv: forms that are demo requests; every other form is 10 points ----
DEMO_FORMS = ("demo-request", "contact-sales", "free-trial")
GENERIC_FORMS = ("ebook-download", "whitepaper", "newsletter", "contact-us")
WEBINAR_FORM = "webinar-registration"
FORM_NAMES = {
    "demo-request": "Request a demo",
    "contact-sales": "Contact sales",
    "free-trial": "Start a free trial",
    "ebook-download": "Ebook: The aligned revenue funnel",
    "whitepaper": "Whitepaper: Lead scoring that sales trusts",
    "newsletter": "Newsletter signup",
    "contact-us": "Contact us",
    "webinar-registration": "Webinar registration",
}
FORM_PAGES = {
    "demo-request": "/demo", "contact-sales": "/contact-sales", "free-trial": "/trial",
    "ebook-download": "/resources/aligned-funnel-ebook", "whitepaper": "/resources/lead-scoring",
    "newsletter": "/blog", "contact-us": "/contact", "webinar-registration": "/webinars",
}
SITE = "https://www.northwind-revenue.example"

OPPORTUNITY_OPEN_STAGES = (
    "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
    "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review",
)
CLOSED_WON, CLOSED_LOST = "Closed Won", "Closed Lost"
CONTACT_ROLES = (
    "Decision Maker", "Economic Buyer", "Evaluator", "Influencer", "Technical Buyer",
    "Business User", "Executive Sponsor", "Other",
)
