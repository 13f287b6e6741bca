{#- Seniority of each distinct job title: keywords of title_seniority_map matched as whole
    words (so 'cto' never matches inside 'director'), in any alphabet; of several matches the
    lowest priority number wins, then the longest keyword. A title matching no keyword is
    'individual' (an individual contributor). Done once per distinct title, not per lead. -#}
with

journeys as (

    select * from {{ ref('int_journeys_identified') }}

),

title_seniority_map as (

    select * from {{ ref('title_seniority_map') }}

),

titles as (

    select distinct title
    from journeys
    where title is not null

),

title_words as (

    select
        title,
        {{ padded_words('title') }} as padded_title
    from titles

),

keywords as (

    select
        {{ padded_words('keyword') }} as padded_keyword,
        keyword,
        seniority,
        priority
    from title_seniority_map
    where trim(keyword) <> ''

),

matches as (

    select
        title_words.title,
        keywords.keyword,
        keywords.seniority,
        row_number() over (
            partition by title_words.title
            order by keywords.priority, {{ dbt.length('keywords.keyword') }} desc, keywords.keyword
        ) as match_rank
    from title_words
    cross join keywords
    where {{ dbt.position('keywords.padded_keyword', 'title_words.padded_title') }} > 0

),

final as (

    select
        titles.title,
        coalesce(matches.seniority, 'individual') as seniority,
        matches.keyword as matched_keyword
    from titles
    left join matches
        on titles.title = matches.title
            and matches.match_rank = 1

)

select * from final
