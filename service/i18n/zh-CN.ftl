# mcert service: messages shown to users and console operators (zh-CN).

err-not-found = 找不到请求的资源
err-bad-algorithm = 不支持的算法：{ $alg }（可用 sm2、p256）
err-bad-request = 请求无效：{ $detail }
err-internal = 服务内部错误，请稍后重试
err-payload-too-large = 请求内容过大
err-unsupported-media-type = 请求内容类型不支持，应为 { $expected }
err-timeout = 请求超时
