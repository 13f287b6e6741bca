"""Duplicates merged, in HubSpot and in Salesforce.

HubSpot: a person who filled a form under a second contact record, at another address, which
HubSpot merged into the contact synced to their lead. As Fivetran exports a merge: the
duplicate stays, deleted (`_fivetran_deleted`), its form under its own id; the surviving
contact lists it in `hs_merged_object_ids` and keeps its address in `hs_additional_emails`.

Salesforce: a person's second lead, at the address their HubSpot contact still has, merged
into their first lead, whose address sales had changed; the HubSpot contact is still synced
to the merged-away lead. As a full export (queryAll) holds a merge: the duplicate deleted,
its `MasterRecordId` the surviving lead.

The touches are the person's designed ones, so the ground truth does not move: a warehouse
that ignores a merge loses the form (the one that crossed the MQL line, for a contact that
crossed it), or the HubSpot contact's every touch, and misses the truth.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.demo.arrays import IdAllocator, join, numbers, scatter
from orchestration.demo.contract import STATUSES

# One synced contact in MERGED_EVERY of those with two forms or more has a merged duplicate.
MERGED_EVERY = 50
# One in LEAD_MERGED_EVERY of the contacts synced to an unconverted lead, and listing no
# merged contact, is synced to a lead merged into that one.
LEAD_MERGED_EVERY = 50
# The merged-away leads' ids are numbered from here, apart from the leads' own sequence, which
# (and so every lead id of the later chunks) stays as it was.
MERGED_LEAD_NUMBERS_FROM = 900_000_000_000_000


def _replaced(table: pa.Table, columns: dict[str, pa.Array]) -> pa.Table:
    """table with the named columns' values replaced, each cast to the column's type."""
    for name, values in columns.items():
        index = table.column_names.index(name)
        table = table.set_column(index, name, values.cast(table.schema[index].type))
    return table


def _scattered(table: pa.Table, name: str, rows: np.ndarray, values: pa.Array) -> pa.Table:
    """table with the given rows of column `name` replaced by values."""
    return _replaced(table, {name: scatter(table[name].combine_chunks(), rows, values)})


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
    forms = _scattered(forms, "contact_id", moved_forms, duplicate_of_form)

    nothing = pa.nulls(contacts.num_rows, pa.string())
    survivors = contacts.append_column(
        "property_hs_merged_object_ids", scatter(nothing, chosen, duplicate_ids)
    ).append_column("property_hs_additional_emails", scatter(nothing, chosen, aliases))
    k = chosen.size
    duplicates = _replaced(survivors.take(pa.array(chosen)), {
        "id": duplicate_ids,
        "property_email": aliases,
        "property_salesforceleadid": pa.nulls(k),
        "property_salesforcecontactid": pa.nulls(k),
        "property_hs_merged_object_ids": pa.nulls(k),
        "property_hs_additional_emails": pa.nulls(k),
        "_fivetran_deleted": pa.array(np.ones(k, dtype=bool)),
    })
    return pa.concat_tables([survivors, duplicates]), forms


def merge_leads(final: pa.Table, first_export: pa.Table, contacts: pa.Table,
                ids: IdAllocator) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The leads' two exports with the chosen survivors at their new addresses (the first
    export with the merged-away duplicates appended), and the contacts synced to those.

    final and first_export hold the same leads in the same order."""
    eligible = pc.and_(pc.and_(pc.is_valid(contacts["property_salesforceleadid"]),
                               pc.is_null(contacts["property_salesforcecontactid"])),
                       pc.is_null(contacts["property_hs_merged_object_ids"]))
    chosen = np.flatnonzero(eligible.to_numpy(zero_copy_only=False))[::LEAD_MERGED_EVERY]
    k = chosen.size
    survivor_ids = contacts["property_salesforceleadid"].combine_chunks().take(pa.array(chosen))
    survivors = pc.index_in(survivor_ids, value_set=final["Id"]).to_numpy(zero_copy_only=False)
    duplicate_ids = join("00Q", pc.utf8_lpad(
        numbers(ids.numbers("00Q merged", k) + MERGED_LEAD_NUMBERS_FROM), 15, "0"))
    old_emails = final["Email"].combine_chunks().take(pa.array(survivors))
    new_emails = pc.replace_substring(old_emails, "@", "+crm@", max_replacements=1)

    # a second lead, never worked: deleted by the merge, naming the lead it went into
    never_converted = {name: pa.nulls(k) for name in final.column_names
                       if name.startswith("Converted") or name == "Lead_Score__c"}
    duplicates = _replaced(final.take(pa.array(survivors)), {
        **never_converted,
        "Id": duplicate_ids,
        "IsDeleted": pa.array(np.ones(k, dtype=bool)),
        "MasterRecordId": survivor_ids,
        "Email": old_emails,
        "Status": pa.array([STATUSES[0]] * k, pa.string()),
        "IsConverted": pa.array(np.zeros(k, dtype=bool)),
    })
    return (_scattered(final, "Email", survivors, new_emails),
            pa.concat_tables([_scattered(first_export, "Email", survivors, new_emails),
                              duplicates]),
            _scattered(contacts, "property_salesforceleadid", chosen, duplicate_ids))
