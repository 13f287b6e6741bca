"""The people of the demo company: marketing, SDRs, account executives, partner managers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.demo import clock
from orchestration.demo.arrays import IdAllocator, join
from orchestration.demo.contract import DEPARTMENTS
from orchestration.demo.people import make_people

COMPANY_DOMAIN = "northwind-revenue.example"
_TITLES = {
    "marketing": ("Marketing Manager", "Demand Generation Manager", "Marketing Operations"),
    "sdr": ("Sales Development Representative",),
    "ae": ("Account Executive", "Senior Account Executive"),
    "partner": ("Partner Manager",),
}


@dataclass(frozen=True)
class Users:
    table: pa.Table  # the Salesforce User export
    ids: pa.Array
    marketing: np.ndarray  # row numbers into ids, per team
    automation: int  # the marketing-automation integration user that owns unqualified leads
    sdr: np.ndarray
    ae: np.ndarray
    partner: np.ndarray


def team_sizes(leads: int) -> dict[str, int]:
    # Headcount grows with volume: about one SDR per 4,000 leads over the two years.
    return {
        "marketing": 6,
        "sdr": int(np.clip(round(leads / 4000), 4, 300)),
        "ae": int(np.clip(round(leads / 8000), 3, 150)),
        "partner": 2,
    }


def make_users(rng: np.random.Generator, leads: int, ids: IdAllocator) -> Users:
    sizes = team_sizes(leads)
    teams = [team for team, size in sizes.items() for _ in range(size)]
    n = len(teams) + 1  # + the integration user
    staff = make_people(rng, np.arange(1, n + 1), pa.array([COMPANY_DOMAIN] * n),
                        senior=np.zeros(n, dtype=bool), russian_share=0.3)
    team = np.array(teams + ["marketing"])
    rows = {t: np.flatnonzero(team[:-1] == t) for t in sizes}
    # Each team mostly uses its main department name; a few users carry the alternative one.
    alt = rng.random(n) < 0.2
    department = [DEPARTMENTS[t][1 if alt[i] and len(DEPARTMENTS[t]) > 1 else 0]
                  for i, t in enumerate(team)]
    title = [_TITLES[t][rng.integers(0, len(_TITLES[t]))] for t in team]
    first = staff.first_name.to_pylist()[:-1] + ["Marketing"]
    last = staff.last_name.to_pylist()[:-1] + ["Automation"]
    title[-1], department[-1] = "Integration User", "Marketing"
    user_ids = ids.take("005", n)
    active = np.ones(n, dtype=bool)
    active[rows["sdr"][-1]] = False  # an SDR who left still owns leads
    created = clock.WINDOW_START - rng.integers(30, 900, n) * clock.DAY
    first_arr, last_arr = pa.array(first), pa.array(last)
    table = pa.table({
        "Id": user_ids,
        "Name": join(first_arr, " ", last_arr),
        "FirstName": first_arr,
        "LastName": last_arr,
        "Email": pc.if_else(pa.array(np.arange(n) == n - 1),
                            pa.scalar("marketing.automation@" + COMPANY_DOMAIN),
                            staff.email),
        "Title": pa.array(title),
        "Department": pa.array(department),
        "IsActive": pa.array(active),
        "CreatedDate": clock.salesforce(created),
        "LastModifiedDate": clock.salesforce(created + 7 * clock.DAY),
    })
    return Users(table=table, ids=user_ids, marketing=rows["marketing"], automation=n - 1,
                 sdr=rows["sdr"], ae=rows["ae"], partner=rows["partner"])


def owner_ids(users: Users, rows: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """User ids for row numbers; null where `valid` is False."""
    taken = users.ids.take(pa.array(np.maximum(rows, 0)))
    if valid is None:
        return taken
    return pc.if_else(pa.array(valid), taken, pa.scalar(None, pa.string()))

