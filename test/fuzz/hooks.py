"""Schemathesis checks of our own, loaded through SCHEMATHESIS_HOOKS by test/fuzz.int.test.ts."""

import schemathesis


@schemathesis.check
def errors_are_problem_json(ctx, response, case):
    """Every 4xx and 5xx answer of the API is RFC 9457 problem+json with a status, a code and a detail."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(f"{response.status_code} answered as {content_type!r}, not application/problem+json")
    try:
        body = response.json()
    except Exception as error:  # noqa: BLE001 - any parse failure is the finding
        raise AssertionError(f"problem+json body is not JSON: {error}") from error
    missing = [key for key in ("status", "code", "detail") if not isinstance(body, dict) or key not in body]
    if missing:
        raise AssertionError(f"problem+json without {', '.join(missing)}")
    if body["status"] != response.status_code:
        raise AssertionError(f"problem status {body['status']} differs from the HTTP status {response.status_code}")
    return None
