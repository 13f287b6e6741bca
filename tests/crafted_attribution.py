"""The crafted KPI company (tests/crafted_kpis.py) plus a few touches and spend for attribution.

Added as extra landing files, so the KPI company's own files stay as they are:
- Meta Ads campaign `m1` (utm_campaign `meta_retarget`): 100 EUR on 2024-11-15; E's form of
  2024-11-14 carries that utm, so it is an ad click on m1 (E never converts after it).
- OCT's form of 2024-10-20 carries utm_campaign `Spring_Promo_X`, which no ad campaign and no
  campaign_map row knows: the touch is kept under campaign `unmapped`.
- AUG's form of 2024-11-02 carries utm_campaign `newsletter-2024-11`, mapped by the shipped
  campaign_map pattern `newsletter-%` to campaign `newsletter`.
Every added form is a newsletter (10 points): E, OCT and AUG stay far below the MQL threshold.
- Two currencies besides USD, sales-sourced opportunities of ACC3 with no lead: OPP_EUR,
  1,000 EUR created 2024-11-21, won 2024-12-05 (EUR has rates: 1,048 USD at December's
  1.0480, for its pipeline and its win); OPP_CHF, 500 CHF created 2024-12-03, open (CHF has
  no rate). And m1's 50 XXX of 2024-12-10 (no rate either).
- An SDR's call on `00QGONE`, a lead the export does not hold (deleted before it), and its
  response to the webinar CMP1: no journey to count them on, so they are no touches, and
  warnings say so.
"""

from __future__ import annotations

from pathlib import Path

from crafted_kpis import AE, PAGE, SDR, _bool, _write, write_company

META_SPEND = [("2024-11-15", "m1", "Retargeting", "meta_retarget", 100, "EUR"),
              ("2024-12-10", "m1", "Retargeting", "meta_retarget", 50, "XXX")]
# (id, created, close date, stage, amount, currency, closed, won)
FOREIGN_OPPORTUNITIES = [
    ("OPP_EUR", "2024-11-21T15:00:00Z", "2024-12-05", "Closed Won", 1000, "EUR", True, True),
    ("OPP_CHF", "2024-12-03T15:00:00Z", "2025-01-31", "Prospecting", 500, "CHF", False, False),
]
# (HubSpot contact, form, submitted_at, page_url)
EXTRA_FORMS = [
    ("hsE", "newsletter", "2024-11-14T15:00:00Z",
     PAGE + "blog?utm_source=facebook&utm_medium=paid_social&utm_campaign=meta_retarget"),
    ("hsOCT", "newsletter", "2024-10-20T15:00:00Z", PAGE + "blog?utm_campaign=Spring_Promo_X"),
    ("hsAUG", "newsletter", "2024-11-02T15:00:00Z",
     PAGE + "blog?utm_source=hubspot&utm_medium=email&utm_campaign=newsletter-2024-11"),
]


def write_attribution_company(landing: Path) -> None:
    """The KPI company, then the attribution additions as separate files."""
    write_company(landing)
    _write(landing / "ads/meta_ads/spend.csv", [
        {"date": day, "campaign_id": campaign, "campaign_name": name, "utm_campaign": utm,
         "spend": spend, "currency": currency, "impressions": 1000, "clicks": 10}
        for day, campaign, name, utm, spend, currency in META_SPEND])
    _write(landing / "salesforce/Opportunity/attribution.csv", [
        {"Id": opp, "AccountId": "ACC3", "OwnerId": AE, "Name": opp, "CreatedDate": created,
         "CloseDate": close, "StageName": stage, "Amount": amount, "CurrencyIsoCode": currency,
         "IsClosed": _bool(closed), "IsWon": _bool(won), "LeadSource": "SDR Generated",
         "CampaignId": "", "Type": "New Business"}
        for opp, created, close, stage, amount, currency, closed, won in FOREIGN_OPPORTUNITIES])
    _write(landing / "hubspot/form_submissions/attribution.csv", [
        {"contact_id": contact, "submitted_at": at, "form_id": form, "form_name": form,
         "page_url": url} for contact, form, at, url in EXTRA_FORMS])
    _write(landing / "salesforce/Task/attribution.csv", [
        {"Id": "00T9", "WhoId": "00QGONE", "WhatId": "", "OwnerId": SDR,
         "CreatedDate": "2024-11-05T16:00:00Z", "ActivityDate": "2024-11-05", "Subject": "Call",
         "TaskSubtype": "Call", "Status": "Completed"}])
    _write(landing / "salesforce/CampaignMember/attribution.csv", [
        {"Id": "CM9", "CampaignId": "CMP1", "LeadId": "00QGONE", "ContactId": "",
         "Status": "Responded", "HasResponded": "true", "FirstRespondedDate": "2024-11-20",
         "CreatedDate": "2024-11-01T00:00:00Z"}])
