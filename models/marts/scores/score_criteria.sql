{#- Every criterion of every behaviour score with the settings in force (vars
    <score>_criteria) and what it measures (macros/scores.sql, score_catalogue): how each
    score is built, for anyone who reads a score. -#}

{%- set rows = [] -%}
{%- for score, spec in score_catalogue().items() -%}
    {%- set settings = score_settings(score) -%}
    {%- set total = score_weights(settings).values() | sum -%}
    {%- for name, criterion in spec.criteria.items() -%}
        {%- set setting = settings[name] -%}
        {%- do rows.append({
            'score_name': score, 'score_description': spec.description, 'criterion': name,
            'description': criterion.description, 'weight': setting.weight,
            'weight_share': setting.weight / total,
            'half_life_days': setting.half_life_days if 'half_life_days' in criterion.needs else none,
            'saturation': setting.saturation if 'saturation' in criterion.needs else none,
        }) -%}
    {%- endfor -%}
{%- endfor -%}

{%- for row in rows %}
    select
        {{ sql_string(row.score_name) }} as score_name,
        {{ sql_string(row.criterion) }} as criterion,
        {{ sql_string(row.description) }} as criterion_description,
        {{ sql_string(row.score_description) }} as score_description,
        cast({{ row.weight }} as decimal(9, 3)) as weight,
        cast({{ row.weight_share }} as decimal(9, 4)) as weight_share,
        cast({{ row.half_life_days if row.half_life_days is not none else 'null' }} as decimal(9, 2)) as half_life_days,
        cast({{ row.saturation if row.saturation is not none else 'null' }} as decimal(18, 2)) as saturation
    {%- if not loop.last %}
        union all
    {%- endif %}
{%- endfor %}
