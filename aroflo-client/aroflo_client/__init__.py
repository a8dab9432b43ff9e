"""AroFlo's classic zone API as the AroFlo connectors speak it, defined once for the source and the
destination.

* `signing`: the HMAC-SHA512 signer and the masking of every form of the credentials;
* `envelope`: AroFlo's answer read once (status, records, paging, a write's results);
* `status`: the one table of AroFlo's body statuses and what each means;
* `errors`, `backoff`: that table as the CDK's error handler, and the waits for AroFlo's short limits;
* `limits`: the call rate and timeouts;
* `budget`: the daily allowances, ending a sync instead of waiting for tomorrow;
* `client`: reads and writes for code that is not a declarative stream (the destination).
"""
