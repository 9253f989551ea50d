"""The access file: the format of the README, each role's scope worked out by hand on a small
directory of peers, and every bad file refused with a message naming the user and the key."""

from __future__ import annotations

import pytest

from supervision_dash.access import Access, AccessError

GOOD = """
[users.alice]
role = "supervisor"
supervisors = ["SV1"]
[users.sam]
role = "supervisor"
supervisors = ["SV1", "SV3"]
[users.maria]
role = "manager"
sites = ["South"]
[users.dana]
role = "leadership"
"""
# (peer_id, site, supervisor_id): SV1 supervises in both sites.
PEERS = [("P1", "North", "SV1"), ("P2", "North", "SV2"), ("P3", "South", "SV1"),
         ("P4", "South", "SV3"), ("P5", "East", "SV4")]
MARKER = "ZQXMARK7731"


def access_of(text: str, tmp_path) -> Access:
    path = tmp_path / "access.toml"
    path.write_text(text)
    return Access.from_toml(path)


def test_each_role_sees_its_peers(tmp_path):
    access = access_of(GOOD, tmp_path)
    assert access.get("alice").allowed_peers(PEERS) == ["P1", "P3"]  # SV1's, in both sites
    assert access.get("sam").allowed_peers(PEERS) == ["P1", "P3", "P4"]
    assert access.get("maria").allowed_peers(PEERS) == ["P3", "P4"]  # South's peers
    assert access.get("dana").allowed_peers(PEERS) is None  # program level, not a peer list
    assert access.get("nobody") is None and "nobody" not in access
    assert [access.get(user).warehouse_role for user in ("alice", "maria", "dana")] == \
        ["supervisor", "supervisor", "leadership"]
    assert [access.get(user).program_pages for user in ("alice", "maria", "dana")] == \
        [False, True, True]


@pytest.mark.parametrize("text, message", [
    ('[users.bob]\nrole = "admin"', "user 'bob': key 'role' must be one of supervisor, "
                                    "manager, leadership"),
    ('[users.bob]\nsupervisors = ["SV1"]', "user 'bob': key 'role' is missing"),
    ('[users.bob]\nrole = "supervisor"\nsupervisors = ["SV1"]\ncolour = "red"',
     "user 'bob': unknown key 'colour' for the supervisor role"),
    ('[users.bob]\nrole = "manager"\nsupervisors = ["SV1"]',
     "user 'bob': unknown key 'supervisors' for the manager role"),
    ('[users.bob]\nrole = "leadership"\nsites = ["North"]',
     "user 'bob': unknown key 'sites' for the leadership role"),
    ('[users.bob]\nrole = "supervisor"', "user 'bob': key 'supervisors' is missing"),
    ('[users.bob]\nrole = "manager"\nsites = "North"',
     "user 'bob': key 'sites' must be a non-empty list"),
    ('[users.bob]\nrole = "manager"\nsites = []', "user 'bob': key 'sites' must be a non-empty"),
    ('[users.bob]\nrole = "supervisor"\nsupervisors = ["SV1", 7]',
     "user 'bob': key 'supervisors' must be a non-empty list of non-empty strings"),
    ('[groups.staff]\nrole = "supervisor"', "unknown key 'groups'"),
    ('users = "everyone"', "'users' must be tables"),
    ('[users.bob]\nrole = supervisor', "access.toml is not valid TOML"),
])
def test_a_bad_file_is_refused_naming_the_user_and_the_key(tmp_path, text, message):
    with pytest.raises(AccessError, match=message.replace("(", r"\(").replace("[", r"\[")):
        access_of(text, tmp_path)


@pytest.mark.parametrize("text", [
    f'[users.bob]\nrole = "{MARKER}"',
    f'[users.bob]\nrole = "manager"\nsites = ["North", 1]\n# {MARKER}',
    f'[users.bob]\nrole = "supervisor"\nsupervisors = ["SV1"]\n{MARKER} = "x"',
    f'[users.bob]\nrole = "supervisor"\nsupervisors = "{MARKER}"',
    f'[users.bob]\nrole = {MARKER}',
])
def test_no_value_of_the_file_reaches_the_message(tmp_path, text):
    with pytest.raises(AccessError) as raised:
        access_of(text, tmp_path)
    assert MARKER not in str(raised.value) or "unknown key" in str(raised.value)
    # an unknown key is named (it is the key, not a value); nothing else of the file is


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(AccessError, match="no access file at"):
        Access.from_toml(tmp_path / "absent.toml")


def test_entries_the_extract_lacks_are_warned_about_by_position(tmp_path):
    access = access_of(GOOD + '[users.zoe]\nrole = "manager"\nsites = ["West", "Nowhere"]\n'
                              '[users.kim]\nrole = "supervisor"\nsupervisors = ["SV1", '
                              f'"{MARKER}"]\n', tmp_path)
    warnings = access.warnings(PEERS)
    assert warnings == [
        "access.toml: user 'zoe': sites entry 1 of 2 is not in the current extract",
        "access.toml: user 'zoe': sites entry 2 of 2 is not in the current extract",
        "access.toml: user 'zoe': nothing in their scope in the current extract; their pages "
        "say so",
        "access.toml: user 'kim': supervisors entry 2 of 2 is not in the current extract",
    ]
    assert access.get("zoe").allowed_peers(PEERS) == []
    assert MARKER not in "".join(warnings)
