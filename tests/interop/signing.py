"""`sansauth sign` and `sansauth verify` against oauthlib's OAuth 1 client.

Random requests (a seeded generator, so every run is the same) are signed by
`oauthlib.oauth1.Client` and by `sansauth sign --json`, with the same nonce
and timestamp; the base strings and signatures must agree byte for byte, and
the protocol parameters placed in the header, query or body must be the same.
Then `sansauth verify` must accept what oauthlib signed, and refuse it once a
byte of the signature is changed.

Inputs oauthlib refuses, or that it is known to sign differently from
RFC 5849, are skipped with the reason printed, never silently.
"""

import json
import random
import re
from collections import Counter
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

from oauthlib.oauth1 import Client
from oauthlib.oauth1.rfc5849 import signature as rfc5849_signature
from oauthlib.oauth1.rfc5849 import utils as rfc5849_utils

from harness import CheckFailed, expect, expect_equal

FORM = "application/x-www-form-urlencoded"
SIGNATURE_METHODS = ["HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "PLAINTEXT"]
PLACEMENTS = {"header": "AUTH_HEADER", "query": "QUERY", "body": "BODY"}
BODY_METHODS = ["POST", "PUT", "PATCH", "DELETE"]

# Pieces random text is made of: plain ASCII most of the time, and the
# characters signing gets wrong when it gets anything wrong.
PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
AWKWARD = [
    "-", ".", "_", "~", "*", "+", "%", " ", "&", "=", "!", "'", "(", ")",
    "/", "?", ":", "@", ",", ";", "$", "#", "[", "]", '"', "<", "\\",
    "é", "ß", "Ω", "日本", "😀", "\u00a0", "%20", "%41", "+%2B",
]


class Case:
    """One request to sign, with everything both implementations are given."""

    def __init__(self, index, rng):
        self.index = index
        self.signature_method = rng.choice(SIGNATURE_METHODS)
        self.placement = rng.choice(list(PLACEMENTS))
        # oauthlib mis-signs '%' in protocol parameters placed in the query or
        # body (see known_oauthlib_difference): there, '%' is kept rare so
        # that most such requests can be compared.
        percent = self.placement == "header" or rng.random() < 0.1
        self.consumer_key = text(rng, 1, 12, percent)
        self.consumer_secret = text(rng, 0, 16)
        self.token = text(rng, 1, 16, percent) if rng.random() < 0.6 else None
        self.token_secret = text(rng, 0, 16) if self.token is not None else None
        self.callback = None
        self.verifier = None
        roll = rng.random()
        if roll < 0.1:
            self.callback = "oob"
        elif roll < 0.25:
            next_page = text(rng, 0, 8) if percent else text(rng, 0, 8, False, False)
            self.callback = "http://client.example/cb?next=" + quote(next_page, safe="")
        if self.token is not None and rng.random() < 0.2:
            self.verifier = text(rng, 1, 10, percent)
        self.realm = None
        if self.placement == "header" and rng.random() < 0.2:
            self.realm = rng.choice(["Photos", "http://sp.example.com/", "a realm"])
        self.nonce = "".join(rng.choice(PLAIN) for _ in range(rng.randint(6, 32)))
        self.timestamp = str(rng.randint(1_000_000_000, 1_900_000_000))

        self.content_type = None
        self.body = None
        if self.placement == "body":
            self.method = rng.choice(BODY_METHODS)
            self.content_type = FORM
            self.body = query_string(rng, 0, 5)
        else:
            self.method = rng.choice(["GET", "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"])
            roll = rng.random()
            if roll < 0.03:
                # RFC 5849 signs form bodies whatever the method; oauthlib refuses
                # a body on GET and HEAD, so these are skipped with that reason.
                self.method = "GET"
                self.content_type = FORM
                self.body = query_string(rng, 1, 3)
            elif roll < 0.33 and self.method not in ("GET", "HEAD"):
                self.content_type = FORM
                self.body = query_string(rng, 0, 5)
            elif roll < 0.43 and self.method not in ("GET", "HEAD"):
                # Not form-encoded: not signed, but covered by oauth_body_hash.
                self.content_type = "application/json"
                self.body = json.dumps({"note": text(rng, 0, 10)}, ensure_ascii=False)
        if rng.random() < 0.05:
            self.method = self.method.lower()
        self.url = url(rng)

    def describe(self):
        fields = {
            "method": self.method,
            "url": self.url,
            "content_type": self.content_type,
            "body": self.body,
            "signature_method": self.signature_method,
            "placement": self.placement,
            "consumer_key": self.consumer_key,
            "consumer_secret": self.consumer_secret,
            "token": self.token,
            "token_secret": self.token_secret,
            "callback": self.callback,
            "verifier": self.verifier,
            "realm": self.realm,
            "nonce": self.nonce,
            "timestamp": self.timestamp,
        }
        return json.dumps({k: v for k, v in fields.items() if v is not None}, ensure_ascii=False)

    def known_oauthlib_difference(self):
        """Why oauthlib is known to sign this input differently from RFC 5849, if it is."""
        if self.placement in ("query", "body"):
            oauth_values = [self.consumer_key, self.token, self.callback, self.verifier, self.nonce]
            if any(v is not None and "%" in v for v in oauth_values):
                return (
                    "an oauth_* value contains '%' and oauthlib percent-decodes oauth_* "
                    "parameters once more after reading them from the query or body "
                    "(collect_parameters), against RFC 5849 §3.4.1.3.1"
                )
        if self.content_type == "application/json" and self.signature_method in (
            "HMAC-SHA256",
            "HMAC-SHA512",
        ):
            return (
                "oauth_body_hash with an HMAC-SHA2 method: the body hash draft defines "
                "the hash only for the SHA-1 methods; oauthlib always uses SHA-1, "
                "sansauth uses the signature method's hash"
            )
        return None


def text(rng, shortest, longest, percent=True, awkward=True):
    """Random text: mostly plain ASCII, sometimes awkward characters (with
    or without '%')."""
    pieces = AWKWARD if percent else [p for p in AWKWARD if "%" not in p]
    out = []
    for _ in range(rng.randint(shortest, longest)):
        out.append(rng.choice(pieces) if awkward and rng.random() < 0.3 else rng.choice(PLAIN))
    return "".join(out)


def encode_component(rng, raw):
    """`raw` as a query or form component, in one of the ways clients write it."""
    style = rng.random()
    if style < 0.35:
        return quote(raw, safe="")  # spaces as %20
    if style < 0.6:
        return quote_plus(raw, safe="")  # spaces as +
    if style < 0.8:
        return quote(raw, safe="*!'()~:@/?,$;")  # sub-delimiters left raw
    if style < 0.95:
        # Lowercase hex digits in the escapes.
        return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(raw, safe=""))
    # Unencoded: not a valid URI component when it holds spaces, '%' or
    # non-ASCII; oauthlib refuses those, and such cases are skipped.
    return raw.replace("&", "%26").replace("=", "%3D").replace("#", "%23").replace("+", "%2B")


def query_string(rng, fewest, most):
    """A random form-encoded string: duplicates, empty values, names without '='."""
    pairs = []
    for _ in range(rng.randint(fewest, most)):
        if pairs and rng.random() < 0.25:
            name = rng.choice(pairs)[0]  # a duplicate name
            value = rng.choice([rng.choice(pairs)[1], encode_component(rng, text(rng, 0, 6))])
        else:
            name = encode_component(rng, text(rng, 1, 6))
            value = encode_component(rng, text(rng, 0, 8))
        if name.lower().startswith("oauth_"):
            name = "x" + name
        pairs.append((name, value))
    parts = []
    for name, value in pairs:
        if value == "" and rng.random() < 0.3:
            parts.append(name)  # no '=' at all
        else:
            parts.append(f"{name}={value}")
    return "&".join(parts)


def url(rng):
    """A random absolute URL: scheme and host in any case, ports, paths, queries."""
    scheme = rng.choice(["http", "https", "HTTP", "Https"])
    host = rng.choice(
        ["api.example.com", "Photos.Example.NET", "127.0.0.1", "localhost", "EXAMPLE.org", "[::1]"]
    )
    port = ""
    roll = rng.random()
    if roll < 0.15:
        port = ":80" if scheme.lower() == "http" else ":443"
    elif roll < 0.3:
        port = rng.choice([":8080", ":443" if scheme.lower() == "http" else ":80", ":9000"])
    segments = ["photos", "v1.1", "~user", "a%20b", "R%C3%A9sum%C3%A9", "x*y", "it's", "k=v", "semi;p", "UP"]
    path = "".join("/" + rng.choice(segments) for _ in range(rng.randint(0, 3)))
    if rng.random() < 0.15:
        path += "/"
    query = ""
    if rng.random() < 0.85:
        query = "?" + query_string(rng, 0, 6)
    fragment = "#section" if rng.random() < 0.05 else ""
    return f"{scheme}://{host}{port}{path}{query}{fragment}"


class RecordingClient(Client):
    """oauthlib's own client, also keeping the base string it signs.

    The base string is computed with oauthlib's signature helpers exactly as
    `Client.get_oauth_signature` computes it (for PLAINTEXT, which needs no
    base string, oauthlib takes a shortcut; the helpers still give the one
    RFC 5849 defines for the request)."""

    base_string = None

    def get_oauth_signature(self, request):
        uri, headers, body = self._render(request)
        collected = rfc5849_signature.collect_parameters(
            uri_query=urlsplit(uri).query, body=body, headers=headers
        )
        self.base_string = rfc5849_signature.signature_base_string(
            request.http_method,
            rfc5849_signature.base_string_uri(uri, headers.get("Host", None)),
            rfc5849_signature.normalize_parameters(collected),
        )
        return super().get_oauth_signature(request)


def oauthlib_sign(case):
    """oauthlib's signed request: (uri, headers, body, base_string, signature)."""
    client = RecordingClient(
        case.consumer_key,
        client_secret=case.consumer_secret,
        resource_owner_key=case.token,
        resource_owner_secret=case.token_secret,
        callback_uri=case.callback,
        verifier=case.verifier,
        signature_method=case.signature_method,
        signature_type=PLACEMENTS[case.placement],
        realm=case.realm,
        nonce=case.nonce,
        timestamp=case.timestamp,
    )
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    uri, headers, body = client.sign(case.url, case.method, case.body, headers)
    params = placed_params(case.placement, uri, headers.get("Authorization"), body)
    return uri, headers, body, client.base_string, dict(params)["oauth_signature"]


def sansauth_sign_args(case):
    args = [
        "sign",
        "--json",
        f"--method={case.method}",
        f"--url={case.url}",
        f"--signature-method={case.signature_method}",
        f"--consumer-key={case.consumer_key}",
        f"--consumer-secret={case.consumer_secret}",
        f"--nonce={case.nonce}",
        f"--timestamp={case.timestamp}",
        f"--placement={case.placement}",
        "--version=1.0",  # oauthlib always sends oauth_version
    ]
    if case.content_type is not None:
        args.append(f"--content-type={case.content_type}")
    if case.body is not None:
        args.append(f"--body={case.body}")
        if case.content_type != FORM:
            args.append("--body-hash")  # oauthlib adds it to every non-form body
    if case.token is not None:
        args += [f"--token={case.token}", f"--token-secret={case.token_secret}"]
    if case.callback is not None:
        args.append(f"--callback={case.callback}")
    if case.verifier is not None:
        args.append(f"--verifier={case.verifier}")
    if case.realm is not None:
        args.append(f"--realm={case.realm}")
    return args


def placed_params(placement, uri, authorization, body):
    """The protocol parameters a signed request carries, decoded, sorted."""
    if placement == "header":
        expect(authorization is not None, "no Authorization header")
        pairs = [
            (k, v if k == "realm" else rfc5849_utils.unescape(v))
            for k, v in rfc5849_utils.parse_authorization_header(authorization)
        ]
    elif placement == "query":
        pairs = parse_qsl(urlsplit(uri).query, keep_blank_values=True)
    else:
        pairs = parse_qsl(body or "", keep_blank_values=True)
    return sorted((k, v) for k, v in pairs if k.startswith("oauth_") or k == "realm")


def generate_cases(seed, count):
    rng = random.Random(seed)
    return [Case(i, rng) for i in range(count)]


def compare_signing(sansauth, cases, report):
    """Check 1. `report` collects (case, oauthlib result) pairs for the verify checks."""
    compared = Counter()
    skipped = []
    disagreements = []
    for case in cases:
        reason = case.known_oauthlib_difference()
        if reason is None:
            try:
                ours = oauthlib_sign(case)
            except ValueError as e:
                # oauthlib's message up to its first sentence (the rest quotes the input).
                reason = f"oauthlib refuses the input: {str(e).split('.')[0]}"
        if reason is not None:
            skipped.append((case, reason))
            continue
        uri, headers, body, base_string, sig = ours
        done = sansauth.run(*sansauth_sign_args(case))
        if done.returncode != 0:
            disagreements.append(
                f"case {case.index} {case.describe()}\n"
                f"  sansauth sign exited {done.returncode}: {done.stderr.strip()}\n"
                f"  oauthlib signed it: base string {base_string!r}, signature {sig!r}"
            )
            continue
        out = json.loads(done.stdout)
        problems = []
        if out["base_string"] != base_string:
            problems.append(f"  base string\n    sansauth: {out['base_string']}\n    oauthlib: {base_string}")
        if out["signature"] != sig:
            problems.append(f"  signature\n    sansauth: {out['signature']}\n    oauthlib: {sig}")
        theirs = placed_params(case.placement, out["url"], out.get("authorization"), out["body"])
        if theirs != placed_params(case.placement, uri, headers.get("Authorization"), body):
            problems.append(
                f"  placed parameters\n    sansauth: {theirs}\n"
                f"    oauthlib: {placed_params(case.placement, uri, headers.get('Authorization'), body)}"
            )
        if problems:
            disagreements.append(f"case {case.index} {case.describe()}\n" + "\n".join(problems))
            continue
        compared[(case.signature_method, case.placement)] += 1
        report.append((case, ours))
    for reason in sorted({r for _, r in skipped}):
        which = [c for c, r in skipped if r == reason]
        print(f"      skipped {len(which)}: {reason}:")
        for case in which:
            print(f"        case {case.index} {case.describe()}")
    total = sum(compared.values())
    if disagreements:
        raise CheckFailed(
            f"{len(disagreements)} of {total + len(disagreements)} compared requests disagree:\n"
            + "\n".join(disagreements)
        )
    expect(total >= 200, f"only {total} requests were compared (at least 200 wanted)")
    for method in SIGNATURE_METHODS:
        for placement in PLACEMENTS:
            expect(
                compared[(method, placement)] > 0,
                f"no {method} request placed in the {placement} was compared",
            )
    by_method = ", ".join(
        f"{m} {sum(n for (mm, _), n in compared.items() if mm == m)}" for m in SIGNATURE_METHODS
    )
    by_placement = ", ".join(
        f"{p} {sum(n for (_, pp), n in compared.items() if pp == p)}" for p in PLACEMENTS
    )
    return (
        f"{total} requests agree byte for byte ({by_method}; {by_placement}); "
        f"{len(skipped)} skipped with the reasons above"
    )


def verify_args(case, uri, headers, body, signature_override=None):
    args = [
        "verify",
        f"--method={case.method}",
        f"--url={uri}",
        f"--consumer-secret={case.consumer_secret}",
        f"--now={case.timestamp}",
    ]
    if case.token_secret is not None:
        args.append(f"--token-secret={case.token_secret}")
    authorization = headers.get("Authorization")
    if authorization is not None:
        args.append(f"--authorization={authorization}")
    if headers.get("Content-Type") is not None:
        args.append(f"--content-type={headers['Content-Type']}")
    if body is not None:
        args.append(f"--body={body}")
    return args


def tamper(case, uri, headers, body):
    """The same signed request with one byte of the signature changed."""

    def change(encoded_signature):
        # Change an unreserved character outside the escapes to another, so the
        # value stays well formed and only the signature differs.
        i = 0
        while i < len(encoded_signature):
            c = encoded_signature[i]
            if c == "%":
                i += 3
                continue
            if c.isalnum():
                replacement = "B" if c == "A" else "A"
                return encoded_signature[:i] + replacement + encoded_signature[i + 1 :]
            i += 1
        # Nothing to change in place (a PLAINTEXT signature of two empty
        # secrets is "&"): add a byte instead.
        return encoded_signature + "A"

    def in_pairs(encoded):
        parts = encoded.split("&")
        for i, part in enumerate(parts):
            if part.startswith("oauth_signature="):
                parts[i] = "oauth_signature=" + change(part[len("oauth_signature=") :])
                return "&".join(parts)
        raise CheckFailed(f"no oauth_signature in {encoded!r}")

    headers = dict(headers)
    if case.placement == "header":
        value = headers["Authorization"]
        start = value.index('oauth_signature="') + len('oauth_signature="')
        end = value.index('"', start)
        headers["Authorization"] = value[:start] + change(value[start:end]) + value[end:]
    elif case.placement == "query":
        before, _, query = uri.partition("?")
        query, hash_sign, fragment = query.partition("#")
        uri = before + "?" + in_pairs(query) + hash_sign + fragment
    else:
        body = in_pairs(body)
    return uri, headers, body


def verify_accepts(sansauth, signed, placement, wanted):
    """Check 2a: `sansauth verify` accepts what oauthlib signed."""
    chosen = [(c, s) for c, s in signed if c.placement == placement][:wanted]
    expect(len(chosen) >= min(wanted, 10), f"only {len(chosen)} {placement}-signed requests to verify")
    for case, (uri, headers, body, _, _) in chosen:
        done = sansauth.run(*verify_args(case, uri, headers, body))
        first = done.stdout.splitlines()[0] if done.stdout else ""
        if done.returncode != 0 or first != "valid":
            raise CheckFailed(
                f"case {case.index} {case.describe()}\n"
                f"  oauthlib's request: uri={uri!r} headers={headers!r} body={body!r}\n"
                f"  sansauth verify exited {done.returncode}:\n{done.stdout}{done.stderr}"
            )
    methods = Counter(c.signature_method for c, _ in chosen)
    return f"{len(chosen)} requests valid ({', '.join(f'{m} {n}' for m, n in sorted(methods.items()))})"


def verify_refuses(sansauth, signed, placement, wanted):
    """Check 2b: the same requests with one signature byte changed are refused."""
    chosen = [(c, s) for c, s in signed if c.placement == placement][:wanted]
    expect(len(chosen) >= min(wanted, 10), f"only {len(chosen)} {placement}-signed requests to verify")
    for case, (uri, headers, body, _, _) in chosen:
        t_uri, t_headers, t_body = tamper(case, uri, headers, body)
        expect((t_uri, t_headers, t_body) != (uri, headers, body), "tampering changed nothing")
        done = sansauth.run(*verify_args(case, t_uri, t_headers, t_body))
        first = done.stdout.splitlines()[0] if done.stdout else ""
        if done.returncode != 1 or not first.startswith("invalid: bad_signature"):
            raise CheckFailed(
                f"case {case.index} {case.describe()}\n"
                f"  changed request: uri={t_uri!r} headers={t_headers!r} body={t_body!r}\n"
                f"  sansauth verify exited {done.returncode} (1 and bad_signature expected):\n"
                f"{done.stdout}{done.stderr}"
            )
    return f"{len(chosen)} requests with a changed signature byte refused (exit 1, bad_signature)"
