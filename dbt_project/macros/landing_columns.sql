{#- The landing contract (orchestration/landing.py: columns + optional + partition column of each
    LandingObject), mirrored so that staging can tell custom columns from contract columns.
    Keep in step with landing.py. -#}
{% macro landing_columns(table) -%}
    {%- set contract = {
        "salesforce__user": ["id", "name", "title", "department", "is_active", "last_modified_date", "system_modstamp"],
        "salesforce__account": ["id", "name", "industry", "number_of_employees", "billing_country", "owner_id", "created_date", "last_modified_date", "system_modstamp", "is_deleted", "fivetran_deleted"],
        "salesforce__lead": ["id", "created_date", "last_modified_date", "is_deleted", "owner_id", "email", "first_name", "last_name", "company", "title", "industry", "number_of_employees", "country", "lead_source", "status", "is_converted", "converted_date", "converted_account_id", "converted_contact_id", "converted_opportunity_id", "system_modstamp", "phone", "master_record_id", "fivetran_deleted"],
        "salesforce__lead_history": ["id", "lead_id", "created_date", "field", "old_value", "new_value", "last_modified_date", "system_modstamp"],
        "salesforce__contact": ["id", "account_id", "email", "first_name", "last_name", "title", "lead_source", "owner_id", "created_date", "last_modified_date", "system_modstamp", "phone", "is_deleted", "fivetran_deleted"],
        "salesforce__opportunity": ["id", "account_id", "owner_id", "name", "created_date", "close_date", "stage_name", "amount", "is_closed", "is_won", "lead_source", "campaign_id", "type", "last_modified_date", "system_modstamp", "currency_iso_code", "is_deleted", "fivetran_deleted"],
        "salesforce__opportunity_history": ["id", "opportunity_id", "created_date", "stage_name", "amount", "last_modified_date", "system_modstamp"],
        "salesforce__opportunity_contact_role": ["id", "opportunity_id", "contact_id", "role", "is_primary", "last_modified_date", "system_modstamp", "is_deleted", "fivetran_deleted"],
        "salesforce__campaign": ["id", "name", "type", "status", "start_date", "end_date", "actual_cost", "last_modified_date", "system_modstamp", "currency_iso_code", "is_deleted", "fivetran_deleted"],
        "salesforce__campaign_member": ["id", "campaign_id", "lead_id", "contact_id", "status", "has_responded", "first_responded_date", "created_date", "last_modified_date", "system_modstamp", "is_deleted", "fivetran_deleted"],
        "salesforce__task": ["id", "who_id", "what_id", "owner_id", "created_date", "activity_date", "subject", "task_subtype", "status", "last_modified_date", "system_modstamp", "is_deleted", "fivetran_deleted"],
        "salesforce__event": ["id", "who_id", "what_id", "owner_id", "created_date", "activity_date_time", "subject", "last_modified_date", "system_modstamp", "event_subtype", "is_deleted", "fivetran_deleted"],
        "hubspot__contacts": ["id", "email", "createdate", "lastmodifieddate", "lifecyclestage", "hs_lead_status", "hubspotscore", "hs_analytics_source", "company", "jobtitle", "salesforceleadid", "salesforcecontactid", "hs_lifecyclestage_marketingqualifiedlead_date", "hs_lifecyclestage_salesqualifiedlead_date", "firstname", "lastname", "archived", "fivetran_deleted", "hs_merged_object_ids", "hs_additional_emails"],
        "hubspot__form_submissions": ["contact_id", "submitted_at", "form_id", "form_name", "page_url"],
        "hubspot__email_events": ["id", "type", "recipient", "created", "email_campaign_id"],
        "hubspot__email_campaigns": ["id", "name"],
        "ads__spend": ["date", "campaign_id", "campaign_name", "utm_campaign", "spend", "currency", "impressions", "clicks", "platform"],
    } -%}
    {%- if table not in contract -%}
        {{ exceptions.raise_compiler_error("landing_columns: unknown landing table " ~ table) }}
    {%- endif -%}
    {{ return(contract[table]) }}
{%- endmacro %}

{#- Metadata columns the loader adds to every raw table. -#}
{% macro landing_metadata_columns() -%}
    {{ return(["_file", "_row", "_load_id", "_loaded_at"]) }}
{%- endmacro %}
