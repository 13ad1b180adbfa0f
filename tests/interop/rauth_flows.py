"""The OAuth 1 flows again with `rauth` (a second, separate OAuth 1
implementation: its own signing code on top of `requests`), as its Fitbit
walk-through uses it. Run only when rauth is installed (`pip install rauth`).
"""

import re
from urllib.parse import parse_qs, urlsplit

import requests
from rauth import OAuth1Service

from flows import CALLBACK, FORM, TIMEOUT, expect_status, served
from harness import expect, expect_equal


def service(profile):
    return OAuth1Service(
        name=profile["name"],
        consumer_key=profile["client_id"],
        consumer_secret=profile["client_secret"],
        request_token_url=profile["endpoints"]["temporary_credentials"],
        access_token_url=profile["endpoints"]["token_credentials"],
        authorize_url=profile["endpoints"]["authorization"],
        base_url=profile["api_base_url"],
    )


def fitbit_oauth1_pin(sandbox):
    """rauth's Fitbit walk-through: header-signed, PIN verifier."""
    fitbit = service(served(sandbox.manifest, "fitbit-oauth1"))
    token, token_secret = fitbit.get_request_token(
        method="POST", header_auth=True, params={"oauth_callback": "oob"}
    )
    r = requests.get(fitbit.get_authorize_url(token), timeout=TIMEOUT)
    expect_status(r, 200, "authorize (the PIN page)")
    found = re.search(r'id="pin"[^>]*>([^<]+)<', r.text)
    expect(found is not None, f"no id=\"pin\" element on the page: {r.text[:500]}")
    pin = found.group(1).strip()
    session = fitbit.get_auth_session(
        token, token_secret, method="POST", header_auth=True, data={"oauth_verifier": pin}
    )
    encoded_user_id = parse_qs(fitbit.access_token_response.text).get("encoded_user_id", [None])[0]
    # Not session.get(): requests' get() passes params=None, which rauth 0.7.3
    # cannot read; the walk-through's call, spelled through request().
    r = session.request("GET", "1/user/-/profile.json", header_auth=True, timeout=TIMEOUT)
    expect_status(r, 200, "profile.json")
    expect_equal(r.json()["user"]["encodedId"], encoded_user_id, "profile's encodedId")
    for response in (fitbit.request_token_response, fitbit.access_token_response, r):
        authorization = response.request.headers.get("Authorization", "")
        if isinstance(authorization, bytes):
            authorization = authorization.decode()
        expect(
            authorization.startswith("OAuth ") and "oauth_signature=" not in response.request.url,
            f"{response.request.url} was not signed in the header",
        )
    return f"request_token, PIN, access_token, profile.json (user {encoded_user_id}), all header-signed"


def mapmyfitness_oauth1(sandbox):
    """The MapMyFitness API 3.1 flow with rauth: form-body-signed token calls,
    query-signed GETs; rauth signs a form POST in its body."""
    profile = served(sandbox.manifest, "mapmyfitness-oauth1")
    key = profile["client_id"]
    mmf = service(profile)
    accept = {"Accept": FORM}
    token, token_secret = mmf.get_request_token(
        method="POST", data={"oauth_callback": CALLBACK}, headers=accept
    )
    r = requests.get(
        mmf.get_authorize_url(token, oauth_callback=CALLBACK), allow_redirects=False, timeout=TIMEOUT
    )
    expect_status(r, 302, "authorize")
    verifier = parse_qs(urlsplit(r.headers["Location"]).query)["oauth_verifier"][0]
    session = mmf.get_auth_session(
        token, token_secret, method="POST", data={"oauth_verifier": verifier}, headers=accept
    )

    r = session.get("users/get_user", params={"api_key": key}, timeout=TIMEOUT)
    expect_status(r, 200, "users/get_user")
    expect("oauth_signature=" in r.request.url, "get_user was not signed in the query")
    result = r.json()["result"]
    expect_equal(result["status"], 1, f"get_user status ({result})")
    user_id = result["output"]["user"]["user_id"]

    workout = {
        "user_id": user_id,
        "workout_description": "rauth ride",
        "activity_type_id": "11",
        "workout_date": "2024-05-02",
    }
    r = session.post("workouts/create_workout", params={"api_key": key}, data=workout, timeout=TIMEOUT)
    expect_status(r, 200, "workouts/create_workout")
    result = r.json()["result"]
    expect_equal(result["status"], 1, f"create_workout status ({result})")
    workout_id = result["output"]["workout"]["workout_id"]

    r = session.get("workouts/get_workouts", params={"api_key": key, "user_id": user_id}, timeout=TIMEOUT)
    expect_status(r, 200, "workouts/get_workouts")
    workouts = r.json()["result"]["output"]["workouts"]
    expect(
        any(w.get("workout_id") == workout_id for w in workouts),
        f"workout {workout_id} is not listed: {workouts}",
    )
    return f"request_token, authorize, access_token, get_user, create_workout, get_workouts (lists workout {workout_id})"


CHECKS = [
    ("rauth: Fitbit OAuth 1 PIN flow (OAuth1Service, header_auth)", fitbit_oauth1_pin),
    ("rauth: MapMyFitness OAuth 1 flow (OAuth1Service)", mapmyfitness_oauth1),
]
