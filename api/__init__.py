"""The integration API (/api/v1/): authentication, scopes, the one error shape, idempotency
and pagination shared by the per-app API modules (transfers/api.py, retention/api.py, …;
the customers' in api/customers.py).

Who is calling: a member of staff with a browser session, or a system with a token
(kernel.models.SystemToken). Either way the request runs as one Staff — the token's
`acting_as` person — whose branch filters every read and whose roles the services check;
a token's scopes only narrow which endpoints it may call."""
