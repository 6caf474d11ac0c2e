# mcert service: messages shown to users and console operators (English fallback).

err-not-found = The requested resource does not exist
err-bad-algorithm = Unsupported algorithm: { $alg } (use sm2 or p256)
err-bad-request = Invalid request: { $detail }
err-internal = Internal service error; please try again later
err-payload-too-large = The request body is too large
err-unsupported-media-type = Unsupported content type; expected { $expected }
err-timeout = The request timed out
err-bad-phone = Please enter a valid mobile number
err-code-cooldown = A code was just sent; try again in { $seconds } s
err-phone-limit = Too many codes for this number; try again in { $seconds } s
err-ip-limit = Too many requests; try again in { $seconds } s
err-phone-locked = Too many wrong codes; this number is locked, try again in { $seconds } s
err-wrong-code = Wrong code, { $tries } tries left
err-no-valid-code = The code is no longer valid; request a new one
err-unauthorized = Please log in first
err-unknown-platform = The chosen platform does not exist
err-sms = The text message could not be sent; try again later
err-dev-only = This endpoint is available in development mode only
err-bad-name = Please enter your real name (2 to 30 characters)
err-bad-id-number = The identity number is not valid; please check it
err-bad-bank-card = The bank card number is not valid; please check it
err-identity-mismatch = Real-name verification failed: the details do not match (bank card checks need the phone reserved at the bank; phone checks need a phone registered in your name)
err-not-live = The face check failed; try again in good light and make sure the camera is allowed
err-identity-attempts = No verification attempts left today; please try tomorrow
err-identity-provider = The verification service is unavailable; please try again later
