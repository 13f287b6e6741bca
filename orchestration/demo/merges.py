"""HubSpot duplicates merged: a person who filled a form under a second contact record, at
another address, which HubSpot merged into the contact synced to their lead.

As Fivetran exports a merge: the duplicate stays, deleted (`_fivetran_deleted`), its form
under its own id; the surviving contact lists it in `hs_merged_object_ids` and keeps its
address in `hs_additional_emails`. The touches are the person's designed ones, so the ground
truth does not move: a warehouse that ignores the merge loses the form (the one that crossed
the MQL line, for a contact that crossed it) and misses the truth.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.demo.arrays import IdAllocator, numbers, scatter

# One synced contact in MERGED_EVERY of those with two forms or more has a merged duplicate.
MERGED_EVERY = 50


def merge_duplicates(contacts: pa.Table, forms: pa.Table,
                     ids: IdAllocator) -> tuple[pa.Table, pa.Table]:
    """The contacts with the merged duplicates appended (and the survivors listing them), and
    the forms with each chosen contact's last form moved to its duplicate."""
    form_row = pc.index_in(forms["contact_id"], value_set=contacts["id"]).to_numpy(
        zero_copy_only=False)
    per_contact = np.bincount(form_row, minlength=contacts.num_rows)
    synced = pc.is_valid(contacts["property_salesforceleadid"]).to_numpy(zero_copy_only=False)
    chosen = np.flatnonzero(synced & (per_contact >= 2))[::MERGED_EVERY]
    duplicate_ids = numbers(ids.numbers("hubspot", chosen.size) + 1000)
    aliases = pc.replace_substring(
        contacts["property_email"].combine_chunks().take(pa.array(chosen)), "@", "+old@",
        max_replacements=1)

    # forms are in time order: a chosen contact's last form is its last occurrence
    moved = np.flatnonzero(np.isin(form_row, chosen))
    reversed_rows = form_row[moved][::-1]
    _, last = np.unique(reversed_rows, return_index=True)
    moved_forms = moved[::-1][last]
    duplicate_of_form = duplicate_ids.take(
        pa.array(np.searchsorted(chosen, form_row[moved_forms])))
    forms = forms.set_column(forms.column_names.index("contact_id"), "contact_id",
                             scatter(forms["contact_id"].combine_chunks(), moved_forms,
                                     duplicate_of_form))

    nothing = pa.nulls(contacts.num_rows, pa.string())
    survivors = contacts.append_column(
        "property_hs_merged_object_ids", scatter(nothing, chosen, duplicate_ids)
    ).append_column("property_hs_additional_emails", scatter(nothing, chosen, aliases))
    duplicates = survivors.take(pa.array(chosen))
    k = chosen.size
    replaced = {
        "id": duplicate_ids,
        "property_email": aliases,
        "property_salesforceleadid": pa.nulls(k, pa.string()),
        "property_salesforcecontactid": pa.nulls(k, pa.string()),
        "property_hs_merged_object_ids": pa.nulls(k, pa.string()),
        "property_hs_additional_emails": pa.nulls(k, pa.string()),
        "_fivetran_deleted": pa.array(np.ones(k, dtype=bool)),
    }
    for name, values in replaced.items():
        index = duplicates.column_names.index(name)
        duplicates = duplicates.set_column(index, name, values.cast(duplicates.schema[index].type))
    return pa.concat_tables([survivors, duplicates]), forms
