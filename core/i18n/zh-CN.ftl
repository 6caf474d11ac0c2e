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
scan-seal-not-offered = 该印章不能用于此次签章
scan-seal-use-refused = 管理员拒绝了本次用印
seal-unknown-approval = 没有这条用印审批，或已处理
scan-stamp-timeout = 平台在 { $seconds } 秒内未准备好待签章的文件，请重新扫码

## Command line
cli-error = 错误
cli-io = 无法读写文件 { $path }：{ $detail }
cli-pin-prompt = 请输入 6 位证书密码：
cli-new-pin-prompt = 请设置新的 6 位证书密码：
cli-no-secret-store = { $detail }。在没有系统密钥库的机器上，可加 --insecure-file-secret 把设备密钥存为文件（不安全）。
cli-key-made = 已在本机生成 { $alg } 密钥 { $id }
cli-pin-changed = 证书密码已修改
cli-no-keys = 本机还没有证书密钥

cli-rp-no-key = 需要平台 API 密钥：请用 --api-key、--api-key-file 或环境变量 MCERT_RP_API_KEY 提供
cli-rp-sealed = 投标文件已加密给证书 { $serial }
cli-rp-pdf-unreadable = 无法读取该 PDF：{ $detail }
cli-rp-pdf-unsigned = 该 PDF 没有签章
cli-rp-pdf-valid = ✓ 签章 { $field }（第 { $page } 页）有效
cli-rp-pdf-invalid = ✗ 签章 { $field }（第 { $page } 页）无效
cli-rp-pdf-signer = 签章人：{ $signer }，证书 { $serial }，状态 { $status }
cli-rp-pdf-seal = 电子印章：{ $name }（{ $id }）
cli-rp-pdf-later = 之后又有签章：{ $fields }
cli-rp-pdf-refused = 该 PDF 的签章未全部通过验证
cli-rp-created = 已发起{ $operation }业务 { $id }，校验码 { $code }，请用 mcert App【扫码】
cli-rp-png = 二维码每秒刷新，写入 { $path }
cli-rp-bad-place = 签章位置 { $value } 有误，应为 页码:x0,y0,x1,y1[:印章类型]
cli-rp-stamped = 已写入盖章后的文件 { $path }：文件中 { $count } 个签章全部验证通过
cli-rp-need-document = 签名业务需要 --document 指定待签文件
cli-rp-need-sealed = 解密业务需要 --sealed 指定加密的投标文件
cli-rp-ended = 业务未完成：{ $status } { $reason }
cli-rp-verified = 结果验证通过：{ $subject }（证书序列号 { $serial }，{ $alg }）
cli-rp-bid-opened = 投标文件已解密，写入 { $path }
cli-rp-demo = mcert 演示招标平台已启动：{ $url }
cli-platform-added = 平台 { $id } 已登记；API 密钥只显示这一次，请妥善保存
cli-scan-show = { $platform } 请求【{ $operation }】
    项目：{ $project }
    标段：{ $lot }
    文件：{ $document }
    校验码：{ $code }（请与平台页面上的校验码核对）
cli-scan-cert = 使用证书：{ $subject }（序列号 { $serial }）
cli-scan-confirm = 确认以上信息无误并继续？[y/N]
cli-scan-declined = 已拒绝（{ $status }）
cli-scan-done = { $operation }完成（{ $status }）
cli-usage-empty = 暂无使用记录

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
cli-reported-lost = 证书 { $serial } 已挂失并吊销，不能再使用
cli-verified = 实名认证通过：{ $name }（{ $id }）
cli-order-placed = 订单 { $id } 已提交：{ $amount } 元，状态【{ $status }】
cli-order-paid = 订单 { $id } 支付完成，状态【{ $status }】
cli-installed = 证书已下载到本机：序列号 { $serial }
cli-key-recovered = 加密证书 { $serial } 的托管密钥已按案号 { $case } 恢复，仅以数字信封封装给证书 { $recipient }；本次恢复已记录并审计
cli-reissued = 证书已补办到本机：序列号 { $serial }；原证书已注销，{ $keys } 个托管的加密密钥已恢复（旧投标文件仍可解密）
cli-no-entitlement = 没有待下载的证书，请先在【申请证书】中下单并支付
cli-service = 服务返回错误：{ $detail }
demo-scan-title = mcert 演示：服务、手机、招标平台，扫码登录、签名、开标，每一步都验证
demo-scan-service = 服务已在 { $url } 启动（开发模式：短信、实名、支付为开发用服务商）
demo-scan-platform = 运营方登记招标平台「{ $name }」，平台取得 API 密钥并固定 CA 根证书
demo-scan-login-sms = 手机短信验证码登录：{ $phone }
demo-scan-identity = 实名认证通过：{ $name }（{ $id }）
demo-scan-paid = 申请个人证书并支付 { $amount } 元，订单【{ $status }】
demo-scan-installed = 密钥在手机上生成（证书密码保护），证书已下载：序列号 { $serial }
demo-scan-encryption = 加密证书 { $serial }：加密密钥由密钥管理系统生成并托管，以数字信封下发给手机上的签名密钥
demo-scan-sealed = 投标文件提交时已加密给投标人的加密证书 { $serial }（取自登录结果）
demo-scan-created = 平台发起【{ $operation }】，页面二维码每秒刷新（{ $bytes } 字节 PNG），校验码 { $code }
demo-scan-phone-shows = 手机识别二维码并显示：{ $platform } 请求【{ $operation }】，校验码 { $code }
demo-scan-wrong-pin = 先输错一次证书密码：{ $message }
demo-scan-verified = 平台验证【{ $operation }】结果：签名、证书链、OCSP 状态均有效（{ $holder }，{ $serial }）
demo-scan-opened = 开标成功：平台用临时密钥取回投标密钥并解密投标文件：{ $bid }
demo-scan-stale = 6 秒前的二维码截图被拒绝：{ $message }
demo-scan-usage = 【使用记录】共 { $count } 条：
demo-scan-usage-line = { $at }  { $operation }  { $holder }  { $serial }  { $outcome }
demo-scan-audit = 审计链完整：共 { $events } 条事件

## mcert ca
cli-ca-failed = CA 操作失败：{ $detail }（{ $code }）
cli-ca-no-passphrase = 需要根密钥口令：请用 --passphrase-file 指定，或设置 MCERT_ROOT_PASSPHRASE
cli-ca-exists = { $path } 已存在；根 CA 只生成一次
cli-ca-root-made = 已生成 { $alg } 根 CA，序列号 { $serial }；私钥已加密保存在 { $path }（请离线保管）
cli-ca-issuing-signed = 已签发 { $alg } 签发 CA，序列号 { $serial }（编号 { $id }）；重启服务后生效
cli-ca-root-crl = 已签署并保存 { $alg } 根 CRL，编号 { $number }
cli-ca-revoked = 证书 { $serial } 已注销，新的 CRL 已发布
cli-uploaded = 已上传 { $file }（{ $type }）
cli-org-registered = 单位【{ $name }】已注册，您是它的证书管理员。下一步：完成 CA 授权（mcert org letter-template / authorise-letter）
cli-letter-written = 授权书模板已保存到 { $path }：打印后加盖单位公章、法定代表人签字，再拍照上传
demo-org-title = —— 单位：注册、CA 授权、审核、对公转账与发票、印章、授权管理、申领 ——
demo-org-registered = 【{ $org }】已注册，{ $admin } 是它的证书管理员
demo-org-letter = 下载授权书模板（PDF，{ $bytes } 字节）；打印、盖公章、法定代表人签字后拍照
demo-org-letter-submitted = 授权书已上传并提交：【{ $status }】
demo-org-console = 审核员 { $reviewer } 用密码和动态验证码登录审核台
demo-org-authorised = 审核台通过授权书，单位 CA 授权【{ $status }】；短信：{ $sms }
demo-org-applied = 单位上传营业执照并申请单位证书套餐：【{ $status }】
demo-org-approved = 审核台通过单位的申请：【{ $status }】
demo-transfer-instructions = 单位选择对公转账：收款银行 { $bank }，本订单收款账号 { $account }，应付 ¥{ $amount }
demo-transfer-partial = 银行到账一部分：已收 ¥{ $paid }，订单仍为【{ $status }】
demo-transfer-paid = 余款到账，订单【{ $status }】；同一笔到账再次通知，没有重复入账
demo-invoice = 付款后自动开具发票 { $number }（{ $title }，价税合计 ¥{ $total }），PDF { $bytes } 字节，可下载、可分享链接
demo-org-installed = 证书管理员在手机上生成密钥并下载单位证书（序列号 { $serial }）
demo-seal-applied = 证书管理员拍摄盖在白纸上的{ $kind }并申请：去除纸张与光影后为 { $width }×{ $height } 像素（{ $mm } 毫米，300 dpi），{ $clear }% 为透明背景
demo-seal-approved = 审核台审核通过印章：【{ $status }】
demo-seal-claimed = 证书管理员输入证书 PIN 码申领印章：【{ $status }】；GB/T 38540 电子印章“{ $name }”（{ $bytes } 字节）由签章系统制作并绑定单位证书
demo-seal-stamped = 证书使用人扫码为投标文件盖章（{ $limits }）：平台按所选印章准备 PDF，手机输入 PIN 码签章；第 { $page } 页盖“{ $seal }”，GB/T 38540 签章验证通过，证书状态 { $status }（{ $bytes } 字节）
demo-seal-granted = 证书管理员把企业公章授权给 { $member } 使用：{ $limits }
demo-org-granted = 证书管理员添加 { $name }（{ $role }）并把一张个人证书分配给他
demo-org-claimed = { $name } 在自己的手机上实名后申领【{ $org }】的证书（序列号 { $serial }）
demo-org-scanned = 用申领的证书扫码登录平台，平台验证：持有人 { $holder }，单位 { $org }
demo-org-usage = 证书管理员查看本单位【使用记录】共 { $count } 条
cli-signature-agree = 请阅读以上签章图片告知函；同意请加 --agree 重新运行
demo-signature-made = 证书使用人阅读并同意《{ $notice }》，自动生成姓名章“{ $name }”：【{ $status }】（{ $bytes } 字节 PNG）
demo-signature-stamped = 证书使用人再次扫码，用姓名章“{ $name }”在公章旁签章：文件中 { $count } 个签章全部验证通过
demo-handwriting-submitted = 证书使用人在手机上手写签名（{ $width } × { $height } 毫米），提交审核：{ $status }
demo-handwriting-approved = 审核员在控制台审核通过手写签名，取代姓名章：{ $status }
demo-two-stamps = 一次扫码两处签章：公章（含骑缝章）盖在末页，手写签名签在首页；文件中 { $count } 个签章全部验证通过

demo-reissue-title = —— 更换手机：在新手机上补办证书 ——
demo-reissue-new-phone = 新手机登录（{ $phone }），{ $name } 重新完成实名认证和人脸识别
demo-reissue-done = 新手机上证书补办完成：序列号 { $serial }；原证书 { $old } 已注销，{ $keys } 个托管的加密密钥已恢复
demo-reissue-old-phone = 旧手机已无法应答：{ $message }
demo-reissue-opened = 换手机前加密给 { $serial } 的投标文件在新手机上解密成功：{ $bid }
