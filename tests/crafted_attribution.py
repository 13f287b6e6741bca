"""The crafted KPI company (tests/crafted_kpis.py) plus a few touches and spend for attribution.

Added as extra landing files, so the KPI company's own files stay as they are:
- Meta Ads campaign `m1` (utm_campaign `meta_retarget`): 100 EUR on 2024-11-15; E's form of
  2024-11-14 carries that utm, so it is an ad click on m1 (E never converts after it).
- OCT's form of 2024-10-20 carries utm_campaign `Spring_Promo_X`, which no ad campaign and no
  campaign_map row knows: the touch is kept under campaign `unmapped`.
- AUG's form of 2024-11-02 carries utm_campaign `newsletter-2024-11`, mapped by the shipped
  campaign_map pattern `newsletter-%` to campaign `newsletter`.
Every added form is a newsletter (10 points): E, OCT and AUG stay far below the MQL threshold.
- An SDR's call on `00QGONE`, a lead the export does not hold (deleted before it), and its
  response to the webinar CMP1: no journey to count them on, so they are no touches, and
  warnings say so.
"""

from __future__ import annotations

from pathlib import Path

from crafted_kpis import PAGE, SDR, _write, write_company

META_SPEND = [("2024-11-15", "m1", "Retargeting", "meta_retarget", 100, "EUR")]
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
