# mcert service: messages shown to users and console operators (English fallback).

err-not-found = The requested resource does not exist
err-bad-algorithm = Unsupported algorithm: { $alg } (use sm2 or p256)
err-bad-request = Invalid request: { $detail }
err-internal = Internal service error; please try again later
err-payload-too-large = The request body is too large
err-unsupported-media-type = Unsupported content type; expected { $expected }
err-timeout = The request timed out
