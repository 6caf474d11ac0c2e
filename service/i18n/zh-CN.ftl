# mcert service: messages shown to users and console operators (zh-CN).

err-not-found = 找不到请求的资源
err-bad-algorithm = 不支持的算法：{ $alg }（可用 sm2、p256）
err-bad-request = 请求无效：{ $detail }
err-internal = 服务内部错误，请稍后重试
err-payload-too-large = 请求内容过大
err-unsupported-media-type = 请求内容类型不支持，应为 { $expected }
err-timeout = 请求超时
err-bad-phone = 请输入正确的手机号
err-code-cooldown = 验证码已发送，请 { $seconds } 秒后再试
err-phone-limit = 该手机号获取验证码过于频繁，请 { $seconds } 秒后再试
err-ip-limit = 请求过于频繁，请 { $seconds } 秒后再试
err-phone-locked = 验证码错误次数过多，该手机号已被锁定，请 { $seconds } 秒后再试
err-wrong-code = 验证码错误，还可尝试 { $tries } 次
err-no-valid-code = 验证码已失效，请重新获取
err-unauthorized = 请先登录
err-unknown-platform = 所选平台不存在
err-sms = 短信发送失败，请稍后重试
err-dev-only = 该接口仅在开发模式下可用
err-bad-name = 请输入真实姓名（2 至 30 个字）
err-bad-id-number = 身份证号码不正确，请核对
err-bad-bank-card = 银行卡号不正确，请核对
err-identity-mismatch = 实名认证未通过：信息不一致（银行卡认证需使用该卡在银行预留的手机号；手机号认证需使用本人实名手机号）
err-not-live = 人脸识别未通过，请在光线充足处重试，并确认已授权相机权限
err-identity-attempts = 今日实名认证次数已用完，请明天再试
err-identity-provider = 实名认证服务暂不可用，请稍后重试
