"""dbt's partial-parse state, kept per home and shared between the homes of one project.

dbt keeps what it parsed in <target>/partial_parse.msgpack and parses only the files that
changed since, if nothing else it depends on did: dbt's version, the vars, dbt_project.yml,
the env vars the files read, and a hash of the profile's connection settings. Those settings
name the home (the warehouse's path, the spill folder), so a home could not use another home's
state, although nothing in the state depends on the home (it holds no home path): every new
home parsed the whole project first (~3 s of a 20k-lead first refresh, and of every test home).

So each home records which project and home its state was parsed for (dbt_target/parsed_for.json),
each build leaves a copy of its state in the project (dbt_project/target/shared_parse/), and a
home without a state of its own takes that copy, with the profile hash dbt would compute for it.
The hash is replaced only when it is exactly what this profile renders for the home the state
was parsed for, and the state does not name that home (a model could render target.path
into its config): a state parsed under any other setting (another target, memory limit, ...)
is left for dbt to judge, and dbt parses the project whole, as it would have anyway. dbt
still checks everything else (vars, files, env vars) itself.

The state of a project at another path is dropped: it keeps the project's absolute path, and
dbt would load the seeds from the old one.
"""

from __future__ import annotations

import contextvars
import json
import os
import pprint
import tempfile
from collections.abc import Mapping
from pathlib import Path

import msgpack

from orchestration.home import DBT_PROJECT_DIR, Home

STATE = "partial_parse.msgpack"
RECORD = "parsed_for.json"
SHARED_PARSE_DIR = DBT_PROJECT_DIR / "target" / "shared_parse"


def profile_hash(home_root: Path, dbt_vars: Mapping, env: Mapping[str, str] | None = None) -> str:
    """The profile hash dbt's partial parsing compares (dbt.parser.manifest's state check: the
    sorted connection_info() of the credentials), for this project's profile rendered with
    ALIGNMENT_HOME set to home_root."""
    from dbt.adapters.factory import load_plugin
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.contracts.files import FileHash
    from dbt_common.context import set_invocation_context

    def render() -> str:
        # dbt's env_var() reads the invocation context; a copied context keeps it to this call.
        set_invocation_context({**(os.environ if env is None else env),
                                "ALIGNMENT_HOME": str(home_root)})
        profile = read_profile(str(DBT_PROJECT_DIR))["alignment"]
        _, data = Profile.render_profile(profile, "alignment", None, ProfileRenderer(dict(dbt_vars)))
        data.pop("threads", None)
        credentials_type = load_plugin(data.pop("type"))
        credentials = credentials_type.from_dict(credentials_type.translate_aliases(data))
        return FileHash.from_contents(pprint.pformat(sorted(credentials.connection_info()))).checksum

    return contextvars.copy_context().run(render)


def _record(folder: Path) -> tuple[str, str] | None:
    try:
        recorded = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        return recorded["project"], recorded["home"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _replace_atomically(folder: Path, name: str, content: bytes) -> None:
    # Several refreshes may write the shared state at once; a reader sees one whole file.
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}.", delete=False) as file:
        file.write(content)
    os.replace(file.name, folder / name)


def _write_record(folder: Path, home_root: Path) -> None:
    record = {"project": str(DBT_PROJECT_DIR), "home": str(home_root)}
    _replace_atomically(folder, RECORD, (json.dumps(record) + "\n").encode())


def _rehomed(state: Path, parsed_for: str, home: Home, dbt_vars: Mapping) -> bytes | None:
    """The state with the profile hash of home, or None if it was parsed under a profile that
    differs from this one by more than the home."""
    try:
        content = state.read_bytes()
        # A model that rendered the home into what dbt parsed (say, target.path in a config)
        # makes the state the home's own: only a state that does not name it moves.
        if parsed_for.encode() in content:
            return None
        parsed = msgpack.unpackb(content, raw=False, strict_map_key=False)
        saved = parsed["state_check"]["profile_hash"]
        if saved["checksum"] != profile_hash(Path(parsed_for), dbt_vars):
            return None
        saved["checksum"] = profile_hash(home.root, dbt_vars)
    # A state or profile dbt cannot read either: dbt parses whole, and reports the profile's
    # error itself.
    except Exception:  # noqa: BLE001
        return None
    return msgpack.packb(parsed)


def prepare_parse_state(home: Home, dbt_vars: Mapping,
                        shared: Path = SHARED_PARSE_DIR) -> str:
    """Before a dbt command in home: leave in its target a state dbt can build on, if any home
    of this project has one. Returns what was done, for the run's log."""
    target = home.dbt_target
    state = target / STATE
    own = _record(target)
    here = (str(DBT_PROJECT_DIR), str(home.root))
    if own == here:
        return "this home's"
    # The home's own state parsed elsewhere (a copied home), else the one the last build shared.
    for source, record in ((state, own), (shared / STATE, _record(shared))):
        if record is None or record[0] != here[0] or not source.is_file():
            continue
        rehomed = _rehomed(source, record[1], home, dbt_vars)
        if rehomed is not None:
            _replace_atomically(target, STATE, rehomed)
            _write_record(target, home.root)
            return f"taken from the home {record[1]}"
    state.unlink(missing_ok=True)
    _write_record(target, home.root)
    return "none: dbt parses the whole project"


def share_parse_state(home: Home, shared: Path = SHARED_PARSE_DIR) -> None:
    """After a dbt command in home: offer its state to homes that have none. Best effort: a
    project folder that cannot be written only costs the next new home a whole parse."""
    state = home.dbt_target / STATE
    if _record(home.dbt_target) != (str(DBT_PROJECT_DIR), str(home.root)) or not state.is_file():
        return
    try:
        # The record first: a state read with another home's record fails the hash check.
        _write_record(shared, home.root)
        _replace_atomically(shared, STATE, state.read_bytes())
    except OSError:
        pass
