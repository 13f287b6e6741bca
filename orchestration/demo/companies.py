"""The companies leads work at: one pool shared by all chunks, written as Salesforce Accounts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.demo import clock
from orchestration.demo.arrays import IdAllocator, choice, join, strings
from orchestration.demo.contract import EXCLUDED_INDUSTRIES, MIN_EMPLOYEES
from orchestration.demo.users import Users, owner_ids

INDUSTRIES = (
    "Technology", "Software", "Manufacturing", "Financial Services", "Healthcare", "Retail",
    "Logistics", "Telecommunications", "Energy", "Consulting",
) + EXCLUDED_INDUSTRIES
_INDUSTRY_WEIGHTS = (14, 14, 12, 10, 8, 8, 7, 6, 5, 6, 5, 3, 2)

# Country, e-mail TLD, legal form, share of Russian speakers, weight.
_COUNTRIES = (
    ("United States", "com", "Inc.", 0.0, 30),
    ("United Kingdom", "co.uk", "Ltd", 0.0, 10),
    ("Germany", "de", "GmbH", 0.0, 10),
    ("France", "fr", "SAS", 0.0, 7),
    ("Spain", "es", "S.L.", 0.0, 5),
    ("Poland", "pl", "sp. z o.o.", 0.05, 5),
    ("Netherlands", "nl", "B.V.", 0.0, 4),
    ("Sweden", "se", "AB", 0.0, 3),
    ("Canada", "ca", "Corp.", 0.0, 5),
    ("Russia", "ru", "", 0.9, 15),
    ("Kazakhstan", "kz", "", 0.8, 6),
)
COUNTRIES = tuple(c[0] for c in _COUNTRIES)
_RUSSIAN_SHARE = np.array([c[3] for c in _COUNTRIES])

_WORD_A = ("Blue", "North", "Bright", "Silver", "Iron", "Green", "Summit", "Cedar", "Harbor",
           "Vertex", "Nova", "Atlas", "Polar", "Quantum", "Crystal", "Delta", "Sterling",
           "Pioneer", "Lumen", "Orbit")
_WORD_B = ("Analytics", "Logistics", "Systems", "Dynamics", "Foods", "Networks", "Energy",
           "Health", "Robotics", "Capital", "Labs", "Works", "Software", "Médical", "Bräu",
           "Solutions", "Freight", "Retail", "Data", "Metals")
_WORD_B_ASCII = tuple(w.lower().replace("é", "e").replace("ä", "ae") for w in _WORD_B)
_RU_NAMES = (("Вектор", "vektor"), ("Сибирь", "sibir"), ("Альфа-Системы", "alfa-sistemy"),
             ("Технопарк", "tekhnopark"), ("Северсталь-Сервис", "severstal-servis"),
             ("Глобус", "globus"), ("Интегра", "integra"), ("Ростех Логистик", "rostekh-logistik"),
             ("Энергомаш", "energomash"), ("Цифровые решения", "cifrovye-resheniya"))


@dataclass(frozen=True)
class Accounts:
    ids: pa.Array
    name: pa.Array
    domain: pa.Array
    industry: np.ndarray  # index into INDUSTRIES
    employees: np.ndarray
    country: np.ndarray  # index into COUNTRIES
    owner: np.ndarray  # index into Users.ids (an account executive)
    created: np.ndarray
    fits: np.ndarray  # passes the company part of the fit criteria

    @property
    def size(self) -> int:
        return self.employees.size

    def russian_share(self, account: np.ndarray) -> np.ndarray:
        return _RUSSIAN_SHARE[self.country[account]]


def pool_size(leads: int) -> int:
    # Several leads per company make buying groups; the CRM stops growing past a few 100k.
    return int(min(200_000, max(100, leads // 6)))


def make_accounts(rng: np.random.Generator, n: int, ae_rows: np.ndarray,
                  ids: IdAllocator) -> Accounts:
    industry = choice(rng, n, _INDUSTRY_WEIGHTS)
    # Log-normal company sizes: about one company in seven is below the 20-employee line.
    employees = np.maximum(1, rng.lognormal(np.log(250), 1.8, n)).astype(np.int64)
    country = choice(rng, n, [c[4] for c in _COUNTRIES])
    russian = _RUSSIAN_SHARE[country] > 0.5
    a = rng.integers(0, len(_WORD_A), n)
    b = rng.integers(0, len(_WORD_B), n)
    r = rng.integers(0, len(_RU_NAMES), n)
    legal = strings([c[2] for c in _COUNTRIES], country)
    latin = pc.utf8_trim_whitespace(join(strings(_WORD_A, a), " ", strings(_WORD_B, b), " ", legal))
    cyrillic = join("ООО «", strings([x[0] for x in _RU_NAMES], r), "»")
    slug = pc.if_else(
        pa.array(russian),
        strings([x[1] for x in _RU_NAMES], r),
        join(pc.utf8_lower(strings(_WORD_A, a)), strings(_WORD_B_ASCII, b)),
    )
    return Accounts(
        ids=ids.take("001", n),
        name=pc.if_else(pa.array(russian), cyrillic, latin),
        domain=join(slug, ".", strings([c[1] for c in _COUNTRIES], country)),
        industry=industry,
        employees=employees,
        country=country,
        owner=rng.choice(ae_rows, n),
        # Accounts predate the window: the CRM has history before the demo's two years.
        created=clock.WINDOW_START - rng.integers(clock.DAY, 5 * 365 * clock.DAY, n),
        fits=(employees >= MIN_EMPLOYEES) & (industry < len(INDUSTRIES) - len(EXCLUDED_INDUSTRIES)),
    )


def pick(rng: np.random.Generator, accounts: Accounts, n: int,
         fit: np.ndarray | None) -> np.ndarray:
    """Companies for n leads; where `fit` is given, only companies that pass (True) or fail it.

    Skewed towards the first companies of each group, so some accounts collect many leads
    (a buying group) while most have one or two.
    """
    rows = np.arange(accounts.size)
    groups = {True: rows[accounts.fits], False: rows[~accounts.fits]}
    skew = rng.random(n) ** 1.3
    if fit is None:
        return (skew * accounts.size).astype(np.int64)
    out = np.empty(n, dtype=np.int64)
    for flag, members in groups.items():
        want = fit == flag
        members = members if members.size else rows
        out[want] = members[(skew[want] * members.size).astype(np.int64)]
    return out


def account_table(accounts: Accounts, users: Users) -> pa.Table:
    return pa.table({
        "Id": accounts.ids,
        "Name": accounts.name,
        "Industry": strings(INDUSTRIES, accounts.industry),
        "NumberOfEmployees": pa.array(accounts.employees),
        "BillingCountry": strings(COUNTRIES, accounts.country),
        "Website": accounts.domain,
        "OwnerId": owner_ids(users, accounts.owner),
        "CreatedDate": clock.salesforce(accounts.created),
        "LastModifiedDate": clock.salesforce(accounts.created + 30 * clock.DAY),
    })
