# mcert core: messages shown to users (zh-CN).

pin-format = 证书密码必须是 6 位数字
pin-weak = 证书密码过于简单：不能 6 位相同，也不能是连续数字（如 123456、654321）
pin-wrong = 证书密码错误，还可尝试 { $tries } 次
pin-wrong-last = 证书密码错误，证书已锁定
key-locked = 证书密码连续输错 5 次，证书已锁定。请在【证书管理】中通过实名认证重置证书密码。
key-tampered = 本机证书数据已被篡改或损坏（{ $what }），无法使用。请补办证书。
key-unknown-version = 本机证书数据的格式版本（{ $version }）过新，请升级 App。
key-not-found = 找不到该证书密钥：{ $id }
cert-mismatch = 该证书与本机密钥不匹配
device-secret-missing = 本机安全存储中的设备密钥已丢失，本机证书无法打开。请补办证书。
device-secret-invalid = 本机安全存储中的设备密钥已损坏。请补办证书。
secret-store-unavailable = 系统安全存储不可用：{ $detail }
secret-store-failed = 系统安全存储出错：{ $detail }
schema-too-new = 证书存储由更新版本的 App 创建，请升级 App。
keystore-io = 证书存储读写失败：{ $detail }
protection-unsupported = 此证书的保护方式（{ $mode }）不支持该操作
crypto-failed = 密码运算失败：{ $detail }
qr-none = 未识别到二维码
qr-invalid-frame = 相机画面无效：{ $detail }
qr-image = 无法读取图片：{ $detail }
qr-encode = 无法生成二维码：{ $detail }
file-secret-warning = 警告：设备密钥保存在普通文件中，复制该目录即可离线猜测证书密码。仅用于测试或无系统密钥库的环境。


## Scan (扫码)
scan-not-mcert = 这不是 mcert 移动证书的二维码
scan-malformed-qr = 二维码内容不完整或已损坏，请重新扫描
scan-cert-not-good = 证书状态异常（{ $detail }），不能使用
scan-chain = 证书链校验失败：{ $detail }
scan-mismatch = 签名内容与业务信息不一致（{ $field }），已拒绝
scan-wrong-session = 该应答属于另一个业务，已拒绝
scan-bad-bid = 投标文件无法解密：密钥不匹配或文件已损坏
scan-invalid = 扫码数据无效：{ $detail }
scan-no-eligible = 本机没有可用于此业务的证书
scan-expired-here = 此二维码已过期，请在平台页面刷新后重新扫描

net-unreachable = 无法连接服务，请检查网络：{ $detail }
net-not-logged-in = 请先登录
net-bad-answer = 服务返回的数据无法识别：{ $detail }
pay-timeout = 支付结果 { $seconds } 秒内未返回，请稍后在【我的订单】中查看
scan-no-bid-key = 本机没有打开此投标文件所需的证书密钥（证书序列号 { $serial }）

## Command line
cli-error = 错误
cli-io = 无法读写文件 { $path }：{ $detail }
cli-pin-prompt = 请输入 6 位证书密码：
cli-new-pin-prompt = 请设置新的 6 位证书密码：
cli-no-secret-store = { $detail }。在没有系统密钥库的机器上，可加 --insecure-file-secret 把设备密钥存为文件（不安全）。
cli-key-made = 已在本机生成 { $alg } 密钥 { $id }
cli-pin-changed = 证书密码已修改
cli-no-keys = 本机还没有证书密钥

## mcert demo
demo-title = mcert 核心演示（{ $alg }）：密钥、证书、签名、开标与二维码
demo-store = 模拟手机密钥库：{ $path }（设备密钥保存在进程内存中）
demo-ca = 已生成 CA：{ $root } → { $issuing }
demo-keygen = 已在手机密钥库中生成密钥 { $id }，并用证书密码保护（Argon2id，{ $ms } 毫秒）
demo-csr = 已生成证书请求；CA 验证了私钥持有证明
demo-issue = 已签发个人证书：序列号 { $serial }，有效期至 { $until }
demo-path = 证书链校验通过（{ $depth } 级）
demo-login = 扫码登录：手机对显示内容签名，平台验证通过
demo-cms = 文件签名：CMS 分离式签名验证通过（摘要 { $digest }…）
demo-bid = 开标：投标密钥加密给证书，手机凭证书密码解密成功
demo-wrong-pin = 输错证书密码时：{ $message }
demo-qr = 二维码：生成并识别 { $bytes } 字节的内容，一致
demo-done = 全部 { $steps } 步通过
cli-audit-ok = 审计链完整：共 { $events } 条事件
cli-audit-broken = 审计链在第 { $seq } 条事件处断开（{ $reason }），共检查 { $events } 条
cli-database = 数据库错误：{ $detail }
cli-serve-listening = mcert 服务已启动：{ $url }（数据库：{ $db }）
cli-serve-dev = ⚠ 开发模式：使用开发用服务商与自动生成的运营密钥，切勿用于生产环境
cli-serve-stopped = mcert 服务已停止
cli-serve-no-operator-key = 生产模式需要运营密钥：请设置 MCERT_OPERATOR_KEY（64 位十六进制）或配置 operator_key_file；开发测试可加 --dev
cli-serve-failed = 服务无法启动：{ $detail }
cli-code-sent = 验证码已发送至 { $phone }
cli-code-prompt = 请输入短信验证码：
cli-logged-in = 登录成功：{ $phone }
cli-verified = 实名认证通过：{ $name }（{ $id }）
cli-order-placed = 订单 { $id } 已提交：{ $amount } 元，状态【{ $status }】
cli-order-paid = 订单 { $id } 支付完成，状态【{ $status }】
cli-installed = 证书已下载到本机：序列号 { $serial }
cli-no-entitlement = 没有待下载的证书，请先在【申请证书】中下单并支付
cli-service = 服务返回错误：{ $detail }
