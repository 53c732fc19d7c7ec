"""Schemathesis hooks for Tessera, loaded through SCHEMATHESIS_HOOKS by
test/fuzz/schemathesis.test.ts (see docs/schemathesis.md).

- Credentials: operations secured by `clientAuth` get a token of the client
  the harness registered (every scope), those secured by `userAuth` a user
  token from a real sign-up, login and SMS code read from the development outbox.
- Phone numbers: the `e164` format draws valid French mobile numbers, the
  `nfc-password` format passwords of 8 to 128 code points in NFC form, and the
  `step-up-destination` format printable destinations, so that a case
  Schemathesis calls positive is one the API must accept.
- The account flow: a positive `POST /v1/user/otp` on a session this run opened
  carries the code the server sent, so the stateful phase can reach tokens,
  refresh and password changes instead of stopping at a wrong code.

The server is named by environment variables the harness sets:
TESSERA_URL, TESSERA_SMS_OUTBOX, TESSERA_CLIENT_ID and TESSERA_CLIENT_SECRET.
"""

from __future__ import annotations

import json
import os
import threading
import time
import unicodedata
import uuid

import requests
import schemathesis
from hypothesis import strategies as st

BASE_URL = os.environ["TESSERA_URL"].rstrip("/")
SMS_OUTBOX = os.environ["TESSERA_SMS_OUTBOX"]
CLIENT_ID = os.environ["TESSERA_CLIENT_ID"]
CLIENT_SECRET = os.environ["TESSERA_CLIENT_SECRET"]
# The SMS goes out just after the answer that triggered it.
SMS_WAIT_SECONDS = 1.0
OTP_PATH = "/v1/user/otp"

# French mobile numbers libphonenumber calls valid: +33 6 then 8 digits, except
# the 639, 690 to 694, 696 and 697 blocks, which are not allocated to mobiles.
schemathesis.openapi.format(
    "e164",
    st.tuples(st.sampled_from("01245678"), st.integers(min_value=0, max_value=9_999_999)).map(
        lambda parts: f"+336{parts[0]}{parts[1]:07d}"
    ),
)

# New passwords: 8 to 128 code points both as sent and in NFC form. Text drawn
# already in NFC keeps its length; surrogates are no text at all.
schemathesis.openapi.format(
    "nfc-password",
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=8, max_size=128)
    .map(lambda text: unicodedata.normalize("NFC", text))
    .filter(lambda text: 8 <= len(text) <= 128),
)

# A step-up's destination: 1 to 200 printable code points in NFC form. Drawn from
# letters, digits and a few separators: which code points are unassigned differs
# between Python's Unicode database and the server's, and a drawn character the
# server calls unassigned would make a positive case negative.
schemathesis.openapi.format(
    "step-up-destination",
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -_./:éüß", min_size=1, max_size=200),
)


def _sent_codes(phone: str) -> list[str]:
    """Codes sent to `phone` so far, oldest first (notices without a code left out)."""
    try:
        with open(SMS_OUTBOX, encoding="utf-8") as outbox:
            lines = outbox.read().splitlines()
    except FileNotFoundError:
        return []
    codes = []
    for line in lines:
        if not line.strip():
            continue
        message = json.loads(line)
        code = message["text"].split(" ", 1)[0]
        if message["to"] == phone and code.isdigit():
            codes.append(code)
    return codes


def _wait_for_code(phone: str, already_sent: int) -> str | None:
    deadline = time.monotonic() + SMS_WAIT_SECONDS
    while time.monotonic() < deadline:
        codes = _sent_codes(phone)
        if len(codes) > already_sent:
            return codes[-1]
        time.sleep(0.02)
    return None


def _client_token() -> str:
    response = requests.post(
        f"{BASE_URL}/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def _call(method: str, path: str, token: str, body: dict) -> dict:
    response = requests.request(
        method, f"{BASE_URL}{path}", json=body, headers={"authorization": f"Bearer {token}"}, timeout=10
    )
    if response.status_code != 200:
        raise RuntimeError(f"{method} {path} answered {response.status_code}: {response.text[:300]}")
    return response.json()["data"]


def _user_token() -> str:
    """A fresh user's access token, through the same steps a mobile app takes.

    Each fetch signs a new user up: the fuzzed operations may log this one out,
    change its password or erase it, and a new phone keeps the SMS budget whole.
    """
    client = _client_token()
    suffix = uuid.uuid4().int
    email = f"schemathesis-{suffix % 10**12:012d}@example.com"
    phone = f"+3367{suffix % 10**7:07d}"
    password = f"fuzzing passphrase {suffix % 10**9}"
    _call("POST", "/v1/user/sign-up", client, {"email": email, "phoneNumber": phone, "password": password})
    already_sent = len(_sent_codes(phone))
    session = _call("POST", "/v1/user/login", client, {"username": email, "password": password})
    code = _wait_for_code(phone, already_sent)
    if code is None:
        raise RuntimeError("no SMS code reached the development outbox after login")
    tokens = _call(
        "POST",
        OTP_PATH,
        client,
        {"sessionId": session["sessionId"], "username": email, "challengeType": "SMS_OTP", "code": code},
    )
    return tokens["accessToken"]


def _schemes(operation) -> set[str]:
    return {name for requirement in operation.definition.raw.get("security", []) for name in requirement}


# User access tokens live 300 s by default: fetch a new one well before. A 401
# (a logout or an erasure the fuzzing made) also fetches a new one and replays once.
@schemathesis.auth(refresh_interval=240, cache_by_key=lambda case, context: ",".join(sorted(_schemes(context.operation))))
class TesseraAuth:
    def get(self, case, context):
        schemes = _schemes(context.operation)
        if "userAuth" in schemes:
            return _user_token()
        if "clientAuth" in schemes:
            return _client_token()
        return None

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


# What this run learnt from successful answers, to answer its own SMS challenges.
_lock = threading.Lock()
_phone_by_email: dict[str, str] = {}
# sessionId -> (email, how many codes its phone had been sent before the session's own)
_challenge_by_session: dict[str, tuple[str, int]] = {}
_in_flight = threading.local()
CHALLENGE_OPENERS = {("POST", "/v1/user/login"), ("POST", "/v1/user/otp/resend"), ("GET", "/v1/user/forget-password")}


def _route(context) -> tuple[str, str] | None:
    operation = context.operation
    return None if operation is None else (operation.method.upper(), operation.path)


def _challenged_email(route: tuple[str, str], case) -> str | None:
    if route == ("GET", "/v1/user/forget-password"):
        container = case.query
        key = "email"
    else:
        container = case.body
        key = "username"
    if not isinstance(container, dict) or not isinstance(container.get(key), str):
        return None
    return container[key].lower()


def _answer_data(response) -> dict | None:
    if response.status_code != 200:
        return None
    try:
        data = response.json().get("data")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@schemathesis.hook
def before_call(context, case, kwargs):
    route = _route(context)
    if route in CHALLENGE_OPENERS:
        _note_codes_before_challenge(route, case)
    elif route == ("POST", OTP_PATH):
        _answer_own_challenge(case)


@schemathesis.hook
def after_call(context, case, response):
    """Remembers each user this run signed up and each challenge it opened."""
    route = _route(context)
    data = _answer_data(response)
    if route is None or data is None:
        return
    with _lock:
        if route == ("POST", "/v1/user/sign-up"):
            _phone_by_email[str(data.get("email", "")).lower()] = str(data.get("phoneNumber", ""))
        elif route in CHALLENGE_OPENERS:
            email = _challenged_email(route, case)
            before = getattr(_in_flight, "codes_before", None)
            if email is not None and before is not None:
                _challenge_by_session[str(data.get("sessionId", ""))] = (email, before)


def _note_codes_before_challenge(route: tuple[str, str], case) -> None:
    email = _challenged_email(route, case)
    with _lock:
        phone = _phone_by_email.get(email or "")
    _in_flight.codes_before = None if phone is None else len(_sent_codes(phone))


def _answer_own_challenge(case) -> None:
    """A positive code answer on a session this run opened carries the code that was sent."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return
    # Only an SMS code is sent: a recovery code or a passkey's assertion keeps what was generated.
    if case.body.get("challengeType") != "SMS_OTP":
        return
    with _lock:
        email, before = _challenge_by_session.get(str(case.body.get("sessionId", "")), (None, 0))
        phone = _phone_by_email.get(email or "")
    if email is None or phone is None:
        return
    code = _wait_for_code(phone, before)
    if code is not None:
        case.body = {**case.body, "username": email, "code": code}
