"""People: names in three scripts, job titles by seniority, e-mail addresses and phones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.demo.arrays import join, numbers, strings

# (display form, ASCII form for e-mail addresses). Russian surnames agree with gender, so the
# Cyrillic pools come in pairs.
_EN_FIRST = [(n, n.lower()) for n in (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Susan", "Richard", "Jessica", "Joseph", "Sarah", "Thomas", "Karen",
    "Daniel", "Emily", "Olivia", "Noah", "Priya", "Wei", "Aisha", "Mateo")]
_EN_LAST = [(n, n.lower()) for n in (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Moore", "Martin", "Jackson", "Lee", "Walker", "Hall", "Young", "King", "Patel",
    "Nguyen", "O'Brien", "Clarke")]
_EU_FIRST = [
    ("José", "jose"), ("Zoë", "zoe"), ("Renée", "renee"), ("Jürgen", "juergen"),
    ("François", "francois"), ("Søren", "soeren"), ("Łukasz", "lukasz"), ("Inés", "ines"),
    ("Hélène", "helene"), ("Björn", "bjoern"), ("Małgorzata", "malgorzata"), ("Çelik", "celik"),
    ("Ana", "ana"), ("Luca", "luca"), ("Agnès", "agnes"), ("Jiří", "jiri")]
_EU_LAST = [
    ("Müller", "mueller"), ("Gonçalves", "goncalves"), ("Núñez", "nunez"),
    ("Lefèvre", "lefevre"), ("Østergaard", "oestergaard"), ("Kowalczyk", "kowalczyk"),
    ("Dvořák", "dvorak"), ("Åberg", "aaberg"), ("Schröder", "schroeder"), ("García", "garcia"),
    ("Wiśniewska", "wisniewska"), ("Rossi", "rossi"), ("de la Fuente", "delafuente"),
    ("Böhm", "boehm")]
_RU_FIRST_M = [("Иван", "ivan"), ("Алексей", "aleksey"), ("Дмитрий", "dmitry"),
               ("Сергей", "sergey"), ("Михаил", "mikhail"), ("Андрей", "andrey"),
               ("Павел", "pavel"), ("Никита", "nikita")]
_RU_FIRST_F = [("Мария", "maria"), ("Ольга", "olga"), ("Екатерина", "ekaterina"),
               ("Анна", "anna"), ("Татьяна", "tatiana"), ("Наталья", "natalia"),
               ("Юлия", "yulia"), ("Ирина", "irina")]
_RU_LAST = [("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov"), ("Попов", "popov"),
            ("Соколов", "sokolov"), ("Лебедев", "lebedev"), ("Новиков", "novikov"),
            ("Морозов", "morozov"), ("Волков", "volkov"), ("Павлов", "pavlov"),
            ("Семёнов", "semenov")]

# Cultures: 0 English, 1 European (accented Latin), 2 Russian male, 3 Russian female.
_FIRST = (_EN_FIRST, _EU_FIRST, _RU_FIRST_M, _RU_FIRST_F)
_LAST = (_EN_LAST, _EU_LAST, _RU_LAST, [(d + "а", a + "a") for d, a in _RU_LAST])

# Titles by whether they pass the fit seniority (manager or above, matched as whole words in
# seeds/title_seniority_map.csv). Several individual-contributor titles contain a keyword as a
# substring on purpose ("Doctoral" holds "cto", "Directory" holds "director"): only whole-word
# matching classifies them correctly.
SENIOR_TITLES = (
    "Chief Executive Officer", "CEO", "CFO", "Chief Revenue Officer", "CTO", "Founder",
    "VP of Sales", "VP Marketing", "Vice President, Operations", "Vice President of Finance",
    "Director of IT", "Marketing Director", "Head of Procurement", "Head of Revenue Operations",
    "Marketing Manager", "IT Manager", "Procurement Manager", "Operations Manager",
    "Team Lead, Data Platform",
)
SENIOR_TITLES_RU = (
    "Генеральный директор", "Коммерческий директор", "Руководитель отдела продаж",
    "Руководитель ИТ", "Менеджер по закупкам", "Менеджер по маркетингу",
)
JUNIOR_TITLES = (
    "Analyst", "Software Engineer", "Marketing Specialist", "Sales Operations Analyst",
    "Accountant", "Data Scientist", "Consultant", "Coordinator", "Student",
    "Doctoral Researcher", "Directory Services Engineer", "Management Trainee", "Intern",
)
JUNIOR_TITLES_RU = ("Специалист по закупкам", "Инженер", "Аналитик", "Бухгалтер")
_TITLE_POOLS = (SENIOR_TITLES, SENIOR_TITLES_RU, JUNIOR_TITLES, JUNIOR_TITLES_RU)
_TITLES = [t for pool in _TITLE_POOLS for t in pool]
_TITLE_OFFSETS = np.cumsum([0] + [len(p) for p in _TITLE_POOLS])[:-1]
_TITLE_SIZES = np.array([len(p) for p in _TITLE_POOLS])

_FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.com", "yandex.ru", "mail.ru", "gmx.de")


@dataclass(frozen=True)
class People:
    first_name: pa.Array
    last_name: pa.Array
    email: pa.Array  # lower case, as the person typed it into a form
    title: pa.Array
    phone: pa.Array


def _cultures(rng: np.random.Generator, n: int, russian_share: np.ndarray | float) -> np.ndarray:
    """Culture codes; `russian_share` may differ per person (e.g. by the company's country)."""
    u = rng.random(n)
    russian = u < russian_share
    culture = np.where(rng.random(n) < 0.3, 1, 0)
    return np.where(russian, np.where(rng.random(n) < 0.5, 2, 3), culture).astype(np.int8)


def _names(rng: np.random.Generator, culture: np.ndarray, pools) -> tuple[pa.Array, pa.Array]:
    display = [d for pool in pools for d, _ in pool]
    ascii_ = [a for pool in pools for _, a in pool]
    sizes = np.array([len(p) for p in pools])
    offsets = np.cumsum(sizes) - sizes
    index = offsets[culture] + (rng.random(culture.size) * sizes[culture]).astype(np.int64)
    return strings(display, index), strings(ascii_, index)


def make_people(
    rng: np.random.Generator,
    person_numbers: np.ndarray,
    domains: pa.Array,
    senior: np.ndarray,
    russian_share: np.ndarray | float,
    free_mail_share: np.ndarray | float = 0.0,
) -> People:
    """People at the given company domains; `person_numbers` keep every address unique."""
    n = person_numbers.size
    culture = _cultures(rng, n, russian_share)
    first, first_ascii = _names(rng, culture, _FIRST)
    last, last_ascii = _names(rng, culture, _LAST)
    free = rng.random(n) < free_mail_share
    domain = pc.if_else(pa.array(free), strings(_FREE_MAIL, rng.integers(0, 6, n)), domains)
    local = join(first_ascii, ".", pc.replace_substring(last_ascii, "'", ""), ".",
                 numbers(person_numbers))
    russian = culture >= 2
    pool = np.where(senior, 0, 2) + (russian & (rng.random(n) < 0.5))
    title_index = _TITLE_OFFSETS[pool] + (rng.random(n) * _TITLE_SIZES[pool]).astype(np.int64)
    return People(
        first_name=first,
        last_name=last,
        email=join(local, "@", domain),
        title=strings(_TITLES, title_index),
        phone=phones(rng, russian),
    )


def phones(rng: np.random.Generator, russian: np.ndarray) -> pa.Array:
    n = russian.size
    prefix = strings(("+1 555 ", "+7 495 "), russian.astype(np.int64))
    return join(prefix, numbers(rng.integers(100, 999, n)), "-",
                numbers(rng.integers(1000, 9999, n)))
