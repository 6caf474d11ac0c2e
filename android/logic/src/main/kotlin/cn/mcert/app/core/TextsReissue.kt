package cn.mcert.app.core

/**
 * The texts of 【证书补办】 and 【忘记密码】 and of the certificate's encryption pair, zh-CN and en:
 * part of [Texts]' one table.
 */
internal val reissueTexts: Map<String, Pair<String, String>> = mapOf(
    "reissue" to ("证书补办" to "Reissue certificate"),
    "forgot_pin" to ("忘记密码" to "Forgot PIN"),
    "reissue_hint" to (
        "换了新手机或重装了应用时，可在本机补办证书：完成实名认证和人脸识别后设置新的证书密码，本机生成新的密钥并重新签发证书，原证书随即注销。此前加密给您的投标文件仍可在本机解密，无需重新购买。" to
            "On a new phone, or after reinstalling the app, have the certificate reissued here: verify your real name and face, set a new PIN, and a new key is made on this phone for a new certificate; the old one is revoked at once. Bids sealed to you before still open on this phone, and nothing is bought again."
        ),
    "forgot_pin_hint" to (
        "忘记证书密码或证书已锁定时，完成实名认证和人脸识别后可设置新的证书密码：本机生成新的密钥并重新签发证书，原证书随即注销。此前加密给您的投标文件仍可解密。" to
            "If you forgot the PIN or the certificate is locked, verify your real name and face to set a new PIN: a new key is made on this phone for a new certificate and the old one is revoked. Bids sealed to you before still open."
        ),
    "reissue_step_verify" to ("第 1 步：实名认证和人脸识别" to "Step 1: verify your real name and face"),
    "reissue_step_pin" to ("第 2 步：设置新的证书密码" to "Step 2: set the new certificate PIN"),
    "reissue_busy" to ("正在签发新证书…" to "Issuing the new certificate…"),
    "reissue_reverify" to (
        "实名认证已超过 10 分钟或已用于一次补办，请重新完成实名认证和人脸识别" to
            "The verification is older than 10 minutes or was already used; verify your real name and face again"
        ),
    "reissue_done" to ("证书已补办" to "Certificate reissued"),
    "forgot_pin_done" to ("证书密码已重置" to "PIN reset"),
    "reissue_new_serial" to ("新证书序列号" to "New serial"),
    "reissue_old_revoked" to ("原证书 %1\$s 已注销" to "The old certificate %1\$s is revoked"),
    "reissue_keys_restored" to (
        "加密证书的密钥已恢复（%1\$d 个），此前加密的投标文件仍可解密" to
            "Encryption keys restored (%1\$d); bids sealed before still open"
        ),
    "encryption_serial" to ("加密证书" to "Encryption certificate"),
)
