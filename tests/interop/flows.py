"""The seed tutorials' flows, written as their Python clients write them
(`requests` + `requests_oauthlib`), against `sansauth sandbox` run as a
separate process.

The sandbox process is started once with `--auto-approve` and a fixed
client; each check runs its own flow from the start, so checks do not depend
on each other. The process is stopped when the checks end, whatever happens.
"""

import json
import os
import re
import selectors
import subprocess
import tempfile
import time
from urllib.parse import parse_qs, parse_qsl, urlsplit

import requests
from oauthlib.oauth2.rfc6749.errors import InvalidClientError, InvalidGrantError, OAuth2Error
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth1, OAuth2Session

from harness import CheckFailed, expect, expect_equal

# The sandbox speaks plain HTTP on loopback; oauthlib's OAuth 2 client refuses
# http:// URLs unless told this is deliberate.
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

CLIENT_ID = "my-id"
CLIENT_SECRET = "my-secret"
FORM = "application/x-www-form-urlencoded"
# Where the provider sends the browser back. Nothing listens there: the
# redirect is read from the Location header, as a native app's loopback
# receiver would see it.
CALLBACK = "http://127.0.0.1:9/callback"
TIMEOUT = 10
PROFILES = ["mapmyfitness-oauth1", "mapmyfitness", "mapmytracks", "fitbit-oauth1", "fitbit"]
AUTHENTICATION_FAILED = "API Authentication failed for this Service. Bad API Key or Invalid User."


class SandboxProcess:
    """`sansauth sandbox` as a child process; its manifest is the first stdout line."""

    def __init__(self, sansauth):
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [
                sansauth.binary,
                "sandbox",
                "--listen",
                "127.0.0.1:0",
                "--auto-approve",
                "--client",
                f"{CLIENT_ID}:{CLIENT_SECRET}",
            ],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        self.manifest = None

    def read_manifest(self, timeout=30):
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout)
        selector.close()
        if not ready:
            raise CheckFailed(f"no manifest line from the sandbox within {timeout} s{self.errors()}")
        line = self.process.stdout.readline()
        if not line:
            raise CheckFailed(f"the sandbox exited with {self.process.wait()}{self.errors()}")
        self.manifest = json.loads(line)
        return self.manifest

    def errors(self):
        self.stderr.seek(0)
        text = self.stderr.read().strip()
        return f"; its stderr:\n{text}" if text else ""

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.stderr.close()


def served(manifest, name):
    for profile in manifest["profiles"]:
        if profile["name"] == name:
            return profile
    raise CheckFailed(f"the manifest serves no profile {name}")


def check_manifest(sandbox):
    manifest = sandbox.read_manifest()
    names = [p["name"] for p in manifest["profiles"]]
    expect_equal(sorted(names), sorted(PROFILES), "profiles served")
    for profile in manifest["profiles"]:
        expect_equal(
            (profile["client_id"], profile["client_secret"]),
            (CLIENT_ID, CLIENT_SECRET),
            f"{profile['name']}'s registered client",
        )
        for url in [profile["api_base_url"], *profile["endpoints"].values()]:
            expect(url.startswith(manifest["base_url"]), f"{url} is not below {manifest['base_url']}")
    return f"{manifest['base_url']} serves {', '.join(names)}"


def expect_status(response, wanted, what):
    if response.status_code != wanted:
        raise CheckFailed(
            f"{what}: {response.request.method} {response.request.url} answered "
            f"{response.status_code} (expected {wanted}): {response.text[:500]}"
        )


def follow_authorize(url, what):
    """GETs an authorization URL without following the redirect; the Location."""
    response = requests.get(url, allow_redirects=False, timeout=TIMEOUT)
    expect_status(response, 302, what)
    return response.headers["Location"]


# ---- OAuth 1 ---------------------------------------------------------------


def mapmyfitness_oauth1(sandbox):
    """The MapMyFitness API 3.1 tutorial, step by step."""
    p = served(sandbox.manifest, "mapmyfitness-oauth1")
    key, secret, ep, api = p["client_id"], p["client_secret"], p["endpoints"], p["api_base_url"]
    form_headers = {"Content-Type": FORM, "Accept": FORM}

    # 1. Temporary credentials, signed in the form body.
    auth = OAuth1(key, client_secret=secret, callback_uri=CALLBACK, signature_type="BODY")
    r = requests.post(ep["temporary_credentials"], auth=auth, headers=form_headers, timeout=TIMEOUT)
    expect_status(r, 200, "request_token")
    temporary = dict(parse_qsl(r.text))
    expect_equal(temporary.get("oauth_callback_confirmed"), "true", "oauth_callback_confirmed")
    token, token_secret = temporary["oauth_token"], temporary["oauth_token_secret"]

    # 2. Authorize: the tutorial's URL repeats the callback; the sandbox approves and redirects.
    r = requests.get(
        ep["authorization"],
        params={"oauth_token": token, "oauth_callback": CALLBACK},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    expect_status(r, 302, "authorize")
    location = r.headers["Location"]
    expect(location.startswith(CALLBACK + "?"), f"redirected to {location}, not the callback")
    back = parse_qs(urlsplit(location).query)
    expect_equal(back.get("oauth_token"), [token], "oauth_token in the callback")
    verifier = back["oauth_verifier"][0]

    # 3. Token credentials, signed in the form body with the verifier.
    auth = OAuth1(
        key,
        client_secret=secret,
        resource_owner_key=token,
        resource_owner_secret=token_secret,
        verifier=verifier,
        signature_type="BODY",
    )
    r = requests.post(ep["token_credentials"], auth=auth, headers=form_headers, timeout=TIMEOUT)
    expect_status(r, 200, "access_token")
    credentials = dict(parse_qsl(r.text))
    access, access_secret = credentials["oauth_token"], credentials["oauth_token_secret"]

    # 4. API calls, signed in the query, with api_key.
    signed = OAuth1(
        key,
        client_secret=secret,
        resource_owner_key=access,
        resource_owner_secret=access_secret,
        signature_type="QUERY",
    )
    r = requests.get(api + "users/get_user", params={"api_key": key}, auth=signed, timeout=TIMEOUT)
    expect_status(r, 200, "users/get_user")
    result = r.json()["result"]
    expect_equal(result["status"], 1, f"get_user status ({result})")
    user_id = result["output"]["user"]["user_id"]

    workout = {
        "user_id": user_id,
        "workout_description": "Interop run: 5 km, é & ~",
        "activity_type_id": "16",
        "workout_date": "2024-05-01",
    }
    r = requests.post(
        api + "workouts/create_workout", params={"api_key": key}, data=workout, auth=signed, timeout=TIMEOUT
    )
    expect_status(r, 200, "workouts/create_workout")
    result = r.json()["result"]
    expect_equal(result["status"], 1, f"create_workout status ({result})")
    workout_id = result["output"]["workout"]["workout_id"]

    r = requests.get(
        api + "workouts/get_workouts",
        params={"api_key": key, "user_id": user_id},
        auth=signed,
        timeout=TIMEOUT,
    )
    expect_status(r, 200, "workouts/get_workouts")
    result = r.json()["result"]
    expect_equal(result["status"], 1, f"get_workouts status ({result})")
    listed = [w for w in result["output"]["workouts"] if w.get("workout_id") == workout_id]
    expect(len(listed) == 1, f"workout {workout_id} is not listed: {result['output']}")
    expect_equal(
        listed[0].get("workout_description"), workout["workout_description"], "listed workout's description"
    )
    return f"request_token, authorize, access_token, get_user (user {user_id}), create_workout, get_workouts (lists workout {workout_id})"


def mapmyfitness_oauth1_refusals(sandbox):
    """The API 3.1 envelope's refusal for unsigned and badly signed calls, and a used request token."""
    p = served(sandbox.manifest, "mapmyfitness-oauth1")
    key, secret, ep, api = p["client_id"], p["client_secret"], p["endpoints"], p["api_base_url"]
    form_headers = {"Content-Type": FORM, "Accept": FORM}

    r = requests.get(api + "users/get_user", params={"api_key": key}, timeout=TIMEOUT)
    result = r.json()["result"]
    expect_equal((result["status"], result["errors"]), (-1, [AUTHENTICATION_FAILED]), "unsigned get_user")

    auth = OAuth1(key, client_secret=secret + "x", callback_uri=CALLBACK, signature_type="BODY")
    r = requests.post(ep["temporary_credentials"], auth=auth, headers=form_headers, timeout=TIMEOUT)
    expect_status(r, 401, "request_token signed with the wrong client secret")
    expect_equal(dict(parse_qsl(r.text)).get("oauth_problem"), "signature_invalid", "oauth_problem")

    # A full set of token credentials, then an API call signed with the wrong token secret.
    auth = OAuth1(key, client_secret=secret, callback_uri=CALLBACK, signature_type="BODY")
    temporary = dict(parse_qsl(requests.post(ep["temporary_credentials"], auth=auth, headers=form_headers, timeout=TIMEOUT).text))
    location = follow_authorize(
        requests.Request("GET", ep["authorization"], params={"oauth_token": temporary["oauth_token"]}).prepare().url,
        "authorize",
    )
    verifier = parse_qs(urlsplit(location).query)["oauth_verifier"][0]
    exchange = OAuth1(
        key,
        client_secret=secret,
        resource_owner_key=temporary["oauth_token"],
        resource_owner_secret=temporary["oauth_token_secret"],
        verifier=verifier,
        signature_type="BODY",
    )
    r = requests.post(ep["token_credentials"], auth=exchange, headers=form_headers, timeout=TIMEOUT)
    expect_status(r, 200, "access_token")
    credentials = dict(parse_qsl(r.text))
    r = requests.post(ep["token_credentials"], auth=exchange, headers=form_headers, timeout=TIMEOUT)
    expect_status(r, 401, "a second exchange of the same request token")

    wrong = OAuth1(
        key,
        client_secret=secret,
        resource_owner_key=credentials["oauth_token"],
        resource_owner_secret=credentials["oauth_token_secret"] + "x",
        signature_type="QUERY",
    )
    r = requests.get(api + "users/get_user", params={"api_key": key}, auth=wrong, timeout=TIMEOUT)
    result = r.json()["result"]
    expect_equal((result["status"], result["errors"]), (-1, [AUTHENTICATION_FAILED]), "badly signed get_user")
    return "unsigned and badly signed calls get status -1 with the tutorial's message; a used request token and a wrong client secret get 401"


def fitbit_oauth1_pin(sandbox):
    """Fitbit's legacy OAuth 1.0a PIN flow, header-signed."""
    p = served(sandbox.manifest, "fitbit-oauth1")
    key, secret, ep, api = p["client_id"], p["client_secret"], p["endpoints"], p["api_base_url"]

    auth = OAuth1(key, client_secret=secret, callback_uri="oob", signature_type="AUTH_HEADER")
    r = requests.post(ep["temporary_credentials"], auth=auth, timeout=TIMEOUT)
    expect_status(r, 200, "request_token")
    temporary = dict(parse_qsl(r.text))
    authorization = r.request.headers.get("Authorization", b"")
    if isinstance(authorization, bytes):
        authorization = authorization.decode()
    expect(authorization.startswith("OAuth ") and "oauth_" not in r.request.url, "not signed in the header")

    r = requests.get(ep["authorization"], params={"oauth_token": temporary["oauth_token"]}, timeout=TIMEOUT)
    expect_status(r, 200, "authorize (the PIN page)")
    found = re.search(r'id="pin"[^>]*>([^<]+)<', r.text)
    expect(found is not None, f"no id=\"pin\" element on the page: {r.text[:500]}")
    pin = found.group(1).strip()

    auth = OAuth1(
        key,
        client_secret=secret,
        resource_owner_key=temporary["oauth_token"],
        resource_owner_secret=temporary["oauth_token_secret"],
        verifier=pin,
    )
    r = requests.post(ep["token_credentials"], auth=auth, timeout=TIMEOUT)
    expect_status(r, 200, "access_token")
    credentials = dict(parse_qsl(r.text))
    encoded_user_id = credentials.get("encoded_user_id")
    expect(encoded_user_id, f"no encoded_user_id in {r.text}")

    signed = OAuth1(
        key,
        client_secret=secret,
        resource_owner_key=credentials["oauth_token"],
        resource_owner_secret=credentials["oauth_token_secret"],
    )
    r = requests.get(api + "1/user/-/profile.json", auth=signed, timeout=TIMEOUT)
    expect_status(r, 200, "profile.json")
    expect_equal(r.json()["user"]["encodedId"], encoded_user_id, "profile's encodedId")

    r = requests.get(api + "1/user/-/profile.json", timeout=TIMEOUT)
    expect_status(r, 401, "unsigned profile.json")
    return f"request_token (oob), PIN {pin} read from the page, access_token (encoded_user_id {encoded_user_id}), profile.json; unsigned call refused"


# ---- OAuth 2 ---------------------------------------------------------------


def expect_refused(call, what, error_type=OAuth2Error):
    """`call()` must raise oauthlib's `error_type`."""
    try:
        call()
    except error_type as e:
        return e
    raise CheckFailed(f"{what} was not refused")


def authorize_code(session, endpoint, what, **extra):
    url, state = session.authorization_url(endpoint, **extra)
    location = follow_authorize(url, what)
    expect(location.startswith(CALLBACK + "?"), f"redirected to {location}, not the callback")
    back = parse_qs(urlsplit(location).query)
    expect_equal(back.get("state"), [state], "state in the redirect")
    expect("code" in back, f"no code in {location}")
    return url, location


def mapmytracks(sandbox):
    """Map My Tracks: Basic client auth, bearer activity calls, rotating refresh, revocation."""
    p = served(sandbox.manifest, "mapmytracks")
    ep, api = p["endpoints"], p["api_base_url"]
    basic = HTTPBasicAuth(p["client_id"], p["client_secret"])

    session = OAuth2Session(p["client_id"], redirect_uri=CALLBACK)
    _, location = authorize_code(session, ep["authorization"], "authorize")
    # With client_secret and no include_client_id, requests-oauthlib authenticates with HTTP Basic.
    token = session.fetch_token(ep["token"], authorization_response=location, client_secret=p["client_secret"])
    expect(token.get("refresh_token"), f"no refresh token in {token}")

    r = session.post(
        api + "startActivity",
        files={"activity_type": (None, "running"), "status": (None, "private"), "activity_title": (None, "interop")},
        timeout=TIMEOUT,
    )
    expect_status(r, 200, "startActivity")
    activity_id = r.json()["activity_id"]

    old_refresh = token["refresh_token"]
    token = session.refresh_token(ep["token"], auth=basic)
    expect(token["refresh_token"] != old_refresh, "the refresh token did not rotate")
    r = session.post(
        api + "stopActivity", files={"activity_id": (None, str(activity_id))}, timeout=TIMEOUT
    )
    expect_status(r, 200, "stopActivity with the refreshed access token")

    expect_refused(
        lambda: session.refresh_token(ep["token"], refresh_token=old_refresh, auth=basic),
        "a refresh with the rotated-out refresh token",
        InvalidGrantError,
    )

    # RFC 7009 revocation; Map My Tracks' document sends no client authentication.
    r = requests.post(
        ep["revocation"],
        data={"token": token["refresh_token"], "token_type_hint": "refresh_token"},
        timeout=TIMEOUT,
    )
    expect_status(r, 200, "revoke")
    expect_refused(
        lambda: session.refresh_token(ep["token"], refresh_token=token["refresh_token"], auth=basic),
        "a refresh with the revoked refresh token",
        InvalidGrantError,
    )
    r = session.post(api + "startActivity", files={"activity_type": (None, "running")}, timeout=TIMEOUT)
    expect_status(r, 401, "startActivity after revocation")
    return f"code (Basic), startActivity {activity_id}, refresh (rotated; old one refused), stopActivity, revoke (refresh and access token dead)"


def fitbit(sandbox):
    """Fitbit: Basic client auth, PKCE S256, `#_=_` on the redirect, single-use refresh, revocation."""
    p = served(sandbox.manifest, "fitbit")
    ep, api = p["endpoints"], p["api_base_url"]
    basic = HTTPBasicAuth(p["client_id"], p["client_secret"])

    session = OAuth2Session(p["client_id"], redirect_uri=CALLBACK, scope=["profile"], pkce="S256")
    url, location = authorize_code(session, ep["authorization"], "authorize")
    sent = parse_qs(urlsplit(url).query)
    expect_equal(sent.get("code_challenge_method"), ["S256"], "code_challenge_method sent")
    expect(location.endswith("#_=_"), f"the redirect does not end with #_=_: {location}")
    token = session.fetch_token(ep["token"], authorization_response=location, client_secret=p["client_secret"])
    user_id = token.get("user_id")

    r = session.get(api + "1/user/-/profile.json", timeout=TIMEOUT)
    expect_status(r, 200, "profile.json")
    expect_equal(r.json()["user"]["encodedId"], user_id, "profile's encodedId (the token's user_id)")

    old_refresh = token["refresh_token"]
    token = session.refresh_token(ep["token"], auth=basic)
    expect(token["refresh_token"] != old_refresh, "the refresh token was not replaced")
    r = session.get(api + "1/user/-/profile.json", timeout=TIMEOUT)
    expect_status(r, 200, "profile.json with the refreshed access token")
    # Fitbit's error body ({"errors": [...]}) has no RFC 6749 "error" member, so
    # oauthlib reports it as some OAuth2Error; the status says what happened.
    expect_refused(
        lambda: session.refresh_token(ep["token"], refresh_token=old_refresh, auth=basic),
        "a second use of a refresh token",
    )
    r = requests.post(
        ep["token"], data={"grant_type": "refresh_token", "refresh_token": old_refresh}, auth=basic, timeout=TIMEOUT
    )
    expect_status(r, 400, "a second use of a refresh token (plain POST)")
    expect_equal(r.json()["errors"][0]["errorType"], "invalid_grant", "Fitbit errorType")

    r = requests.post(ep["revocation"], data={"token": token["access_token"]}, auth=basic, timeout=TIMEOUT)
    expect_status(r, 200, "revoke")
    r = session.get(api + "1/user/-/profile.json", timeout=TIMEOUT)
    expect_status(r, 401, "profile.json after revocation")
    expect_refused(
        lambda: session.refresh_token(ep["token"], refresh_token=token["refresh_token"], auth=basic),
        "a refresh after the grant was revoked",
    )
    return f"code (Basic, PKCE S256, #_=_), profile.json (user {user_id}), refresh (old one refused), revoke (access and refresh dead)"


def fitbit_pkce_enforced(sandbox):
    """A Fitbit code exchanged without its PKCE verifier is refused."""
    p = served(sandbox.manifest, "fitbit")
    ep = p["endpoints"]
    session = OAuth2Session(p["client_id"], redirect_uri=CALLBACK, scope=["profile"], pkce="S256")
    _, location = authorize_code(session, ep["authorization"], "authorize")
    code = parse_qs(urlsplit(location).query)["code"][0]
    r = requests.post(
        ep["token"],
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        auth=HTTPBasicAuth(p["client_id"], p["client_secret"]),
        timeout=TIMEOUT,
    )
    expect_status(r, 400, "code exchange without code_verifier")
    expect_equal(r.json()["errors"][0]["errorType"], "invalid_grant", "Fitbit errorType")
    return "a code exchange without code_verifier gets 400 invalid_grant"


def mapmyfitness(sandbox):
    """MapMyFitness v7.1: client credentials in the body plus an Api-Key header."""
    p = served(sandbox.manifest, "mapmyfitness")
    client_id, ep, api = p["client_id"], p["endpoints"], p["api_base_url"]
    headers = {"Api-Key": client_id, "Accept": "application/json", "Content-Type": FORM}

    session = OAuth2Session(client_id, redirect_uri=CALLBACK)
    _, location = authorize_code(session, ep["authorization"], "authorize")
    token = session.fetch_token(
        ep["token"],
        authorization_response=location,
        client_secret=p["client_secret"],
        include_client_id=True,  # client_id and client_secret in the body, no Basic
        headers=headers,
    )
    expect_equal(token.get("expires_in"), 5183999, "expires_in (60 days)")

    r = session.get(api + "user/self/", headers={"Api-Key": client_id}, timeout=TIMEOUT)
    expect_status(r, 200, "user/self/")
    expect_equal(str(r.json()["id"]), token.get("user_id"), "user/self/'s id (the token's user_id)")
    r = session.get(api + "user/self/", timeout=TIMEOUT)
    expect_status(r, 403, "user/self/ without Api-Key")

    old_access = token["access_token"]
    token = session.refresh_token(
        ep["token"],
        client_id=client_id,
        client_secret=p["client_secret"],
        headers={**headers, "Authorization": f"Bearer {old_access}"},
    )
    expect(token["access_token"] != old_access, "no new access token")
    r = session.get(api + "activity_type/", headers={"Api-Key": client_id}, timeout=TIMEOUT)
    expect_status(r, 200, "activity_type/ with the refreshed access token")

    # Without the Api-Key header the token endpoint refuses the client.
    expect_refused(
        lambda: session.refresh_token(
            ep["token"],
            client_id=client_id,
            client_secret=p["client_secret"],
        ),
        "a refresh without the Api-Key header",
        InvalidClientError,
    )
    expect("revocation" not in ep, "the manifest lists a revocation endpoint the profile does not document")
    return "code (credentials in the body + Api-Key), user/self/, refresh, activity_type/; no Api-Key refused; no revocation endpoint to call (MapMyFitness documents none)"


def run_all(suite, sansauth):
    started = time.monotonic()
    sandbox = SandboxProcess(sansauth)
    try:
        suite.run("sandbox process prints its manifest (sansauth sandbox --auto-approve)", check_manifest, sandbox)
        if sandbox.manifest is None:
            return
        checks = [
            ("MapMyFitness OAuth 1 tutorial flow (requests_oauthlib.OAuth1: body, then query signatures)", mapmyfitness_oauth1),
            ("MapMyFitness OAuth 1 refusals (unsigned, bad signature, used request token)", mapmyfitness_oauth1_refusals),
            ("Fitbit OAuth 1 PIN flow (requests_oauthlib.OAuth1: header signatures, oob)", fitbit_oauth1_pin),
            ("Map My Tracks OAuth 2 (OAuth2Session: code, API, rotating refresh, revoke)", mapmytracks),
            ("Fitbit OAuth 2 (OAuth2Session: PKCE S256, API, single-use refresh, revoke)", fitbit),
            ("Fitbit OAuth 2 refuses a code without its PKCE verifier", fitbit_pkce_enforced),
            ("MapMyFitness OAuth 2 (OAuth2Session: body credentials + Api-Key, API, refresh)", mapmyfitness),
        ]
        try:
            import rauth_flows
        except ImportError as e:
            print(f"      rauth checks not run: {e} (python3 -m pip install rauth)", flush=True)
        else:
            checks += rauth_flows.CHECKS
        for name, check in checks:
            suite.run(name, check, sandbox)
    finally:
        sandbox.stop()
        print(f"      sandbox process stopped ({time.monotonic() - started:.1f} s for the sandbox checks)", flush=True)
