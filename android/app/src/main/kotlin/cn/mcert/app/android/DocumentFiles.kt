package cn.mcert.app.android

import android.net.Uri
import android.provider.OpenableColumns
import androidx.activity.ComponentActivity
import androidx.activity.result.contract.ActivityResultContracts
import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.Validate
import androidx.compose.ui.graphics.asImageBitmap
import cn.mcert.app.ui.Files
import cn.mcert.app.ui.Images
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * The system's document picker and "save as" for the shared screens ([Files]): a photo or PDF
 * of a document to upload (the storage access framework, no storage permission), and the
 * authorisation letter template saved where the user chooses. Registered in the activity's
 * onCreate, as activity results must be.
 */
class DocumentFiles(private val activity: ComponentActivity) {
    private var picked: CompletableDeferred<Uri?>? = null
    private var created: CompletableDeferred<Uri?>? = null
    private val picker = activity.registerForActivityResult(ActivityResultContracts.OpenDocument()) { picked?.complete(it) }
    private val creator = activity.registerForActivityResult(ActivityResultContracts.CreateDocument("application/pdf")) {
        created?.complete(it)
    }

    fun install() {
        // Seal pictures (PNG) for the seal screens.
        Images.decodePng = { bytes ->
            android.graphics.BitmapFactory.decodeByteArray(bytes, 0, bytes.size)?.asImageBitmap()
        }
        Files.pick = pick@{
            val result = CompletableDeferred<Uri?>().also { picked = it }
            picker.launch(arrayOf("image/jpeg", "image/png", "application/pdf"))
            val uri = result.await() ?: return@pick null
            withContext(Dispatchers.IO) { read(uri) }
        }
        Files.save = save@{ name, _, bytes ->
            val result = CompletableDeferred<Uri?>().also { created = it }
            creator.launch(name)
            val uri = result.await() ?: return@save false
            withContext(Dispatchers.IO) {
                activity.contentResolver.openOutputStream(uri)?.use { it.write(bytes) } != null
            }
        }
    }

    /** The file's name and at most one byte more than the service takes (the form says it is too large). */
    private fun read(uri: Uri): PickedFile? {
        val resolver = activity.contentResolver
        val name = resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME), null, null, null)?.use { c ->
            if (c.moveToFirst()) c.getString(0) else null
        } ?: uri.lastPathSegment ?: "document"
        val bytes = resolver.openInputStream(uri)?.use { input ->
            val out = java.io.ByteArrayOutputStream()
            val buffer = ByteArray(64 * 1024)
            while (out.size() <= Validate.MAX_UPLOAD) {
                val n = input.read(buffer)
                if (n < 0) break
                out.write(buffer, 0, n)
            }
            out.toByteArray()
        } ?: return null
        return PickedFile(name, bytes)
    }
}
