"""Nothing a client sends makes the kiosk API answer 500 or HTML: random JSON to every endpoint."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)
FIELDS = st.sampled_from(["service", "priority", "scan", "nik", "pin", "type", "fields", "code", "name", "version",
                          "printer", "scanner", "printed", "error", "score", "improve", "ticket_id", "status"])
BODIES = JSON | st.dictionaries(FIELDS, JSON, max_size=5)
POSTS = ["/api/v1/tickets", "/api/v1/identify", "/api/v1/letters", "/api/v1/devices/pair",
         "/api/v1/devices/heartbeat", "/api/v1/survey", "/api/v1/tickets/x/printed"]
GETS = ["/api/v1/tickets/{}", "/api/v1/letters", "/api/v1/services", "/api/v1/info", "/api/v1/cameras",
        "/api/v1/links", "/api/v1/letter-types"]


def assert_clean(response):
    assert response.status_code < 500, (response.status_code, response.data[:300])
    if response.status_code >= 400:
        body = response.get_json()
        assert isinstance(body, dict) and body["error"]["code"] and body["error"]["message"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(POSTS), body=BODIES, session=st.none() | st.text(max_size=30))
def test_random_json_never_breaks_a_post(kiosk, path, body, session):
    headers = {"Content-Type": "application/json"}
    if session is not None and session.isprintable() and session.isascii():
        headers["X-Kiosk-Session"] = session
    assert_clean(kiosk.post(path, data=json.dumps(body), headers=headers))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(GETS), part=st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]),
                                                 min_size=1, max_size=40))
def test_random_paths_and_sessions_never_break_a_get(kiosk, path, part):
    url = path.format(part.replace("/", "_").replace("?", "_").replace("#", "_").replace("%", "_"))
    headers = {"X-Kiosk-Session": part} if part.isascii() and part.isprintable() else {}
    assert_clean(kiosk.get(url, headers=headers))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300), path=st.sampled_from(POSTS))
def test_random_bytes_never_break_a_post(kiosk, raw, path):
    assert_clean(kiosk.post(path, data=raw, headers={"Content-Type": "application/json"}))


STAFF_POSTS = ["/staff/api/counters/{}/call-next", "/staff/api/tickets/{}/transfer", "/staff/api/tickets/{}/finish",
               "/staff/api/letters/{}/status", "/staff/api/tickets", "/staff/api/tickets/{}/reprint"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(STAFF_POSTS), part=st.text(alphabet="0123456789abcdef-xyz", min_size=1, max_size=20),
       body=BODIES)
def test_random_staff_actions_never_break(staff, path, part, body):
    response = staff.raw.post(path.format(part), data=json.dumps(body),
                              headers={"Content-Type": "application/json", "X-CSRFToken": staff.token})
    assert_clean(response)
