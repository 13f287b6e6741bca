{%- set sales_teams = var('sales_teams') -%}
with

users as (

    select * from {{ ref('stg_salesforce__users') }}

),

owner_team_map as (

    select * from {{ ref('owner_team_map') }}

),

final as (

    select
        users.user_id as owner_id,
        users.user_name as owner_name,
        users.title,
        users.department,
        coalesce(owner_team_map.team, 'other') as team,
        coalesce(owner_team_map.team, 'other') in ({{ sql_values(sales_teams) }}) as is_sales,
        users.is_active
    from users
    left join owner_team_map
        on {{ picklist_key('users.department') }} = {{ picklist_key('owner_team_map.department') }}

)

select * from final
