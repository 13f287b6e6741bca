with

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}
    where not is_deleted

),

final as (

    select
        account_id,
        account_name,
        industry,
        number_of_employees,
        billing_country,
        owner_id,
        created_at
    from accounts

)

select * from final
