package cn.mcert.app.android

import android.content.ClipData
import android.content.ClipboardManager
import android.content.Context
import cn.mcert.app.core.HostClipboard

/**
 * The system clipboard for the shared logic ([HostClipboard]): an order's receiving account
 * number and an invoice's share link are copied as plain text, labelled with the app's name.
 */
class SystemClipboard(private val context: Context) : HostClipboard {
    override fun copy(text: String) {
        val manager = context.getSystemService(Context.CLIPBOARD_SERVICE) as? ClipboardManager ?: return
        manager.setPrimaryClip(ClipData.newPlainText(context.getString(cn.mcert.app.R.string.app_name), text))
    }
}
