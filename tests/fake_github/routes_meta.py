"""GET /meta: what kind of GitHub this is. Only GitHub Enterprise Server has `installed_version`.

The github.com shape follows GitHub's REST reference ("Get GitHub meta information"): address
lists and key fingerprints, no version. GitHub Enterprise Server adds `installed_version`; the
fake answers so when `World.installed_version` is set.
"""

from __future__ import annotations

from fake_github.router import Context, Request, Response, route

FINGERPRINTS = {
    "SHA256_ECDSA": "p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM",
    "SHA256_ED25519": "+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU",
    "SHA256_RSA": "uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
}


@route("GET", "/meta")
def get_meta(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    version = ctx.world.installed_version
    if version is not None:
        return Response(
            200, {"verifiable_password_authentication": True, "installed_version": version}
        )
    return Response(
        200,
        {
            "verifiable_password_authentication": False,
            "ssh_key_fingerprints": dict(FINGERPRINTS),
            "hooks": ["192.30.252.0/22"],
            "web": ["192.30.252.0/22"],
            "api": ["192.30.252.0/22"],
            "git": ["192.30.252.0/22"],
            "packages": ["140.82.121.33/32"],
            "pages": ["192.30.252.153/32"],
            "importer": ["52.23.85.212/32"],
            "actions": ["4.175.114.51/32"],
            "dependabot": ["192.30.252.0/22"],
            "domains": {"website": ["*.github.com"], "api": ["*.github.com"]},
        },
    )
