package cn.mcert.app.ui

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Typography
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.sp

/** The brand: a CA blue, white cards on a light grey page, red kept for errors and seals. */
object Brand {
    val Blue = Color(0xFF1766E5)
    val BlueDark = Color(0xFF0B4FC0)
    val BlueLight = Color(0xFFE8F0FE)
    val Page = Color(0xFFF4F6FA)
    val Text = Color(0xFF1F2329)
    val TextSecondary = Color(0xFF646A73)
    val Line = Color(0xFFE5E7EB)
    val Green = Color(0xFF15A355)
    val Orange = Color(0xFFF08A00)
    val Red = Color(0xFFE03A3A)
    val Purple = Color(0xFF7A5AF8)
    val Teal = Color(0xFF0FA3A3)
}

private val colors = lightColorScheme(
    primary = Brand.Blue,
    onPrimary = Color.White,
    primaryContainer = Brand.BlueLight,
    onPrimaryContainer = Brand.BlueDark,
    secondary = Brand.Teal,
    background = Brand.Page,
    onBackground = Brand.Text,
    surface = Color.White,
    onSurface = Brand.Text,
    surfaceVariant = Color(0xFFF0F2F5),
    onSurfaceVariant = Brand.TextSecondary,
    surfaceContainer = Color.White,
    surfaceContainerLow = Color.White,
    surfaceContainerHigh = Color.White,
    outline = Color(0xFFC9CDD4),
    outlineVariant = Brand.Line,
    error = Brand.Red,
)

private fun typography(family: FontFamily): Typography {
    fun style(size: Int, weight: FontWeight = FontWeight.Normal, line: Int = size + 6) =
        TextStyle(fontFamily = family, fontSize = size.sp, fontWeight = weight, lineHeight = line.sp)
    return Typography(
        displaySmall = style(32, FontWeight.Bold, 40),
        headlineMedium = style(26, FontWeight.Bold),
        headlineSmall = style(22, FontWeight.Bold),
        titleLarge = style(19, FontWeight.Bold),
        titleMedium = style(16, FontWeight.Bold),
        titleSmall = style(14, FontWeight.Bold),
        bodyLarge = style(16),
        bodyMedium = style(14),
        bodySmall = style(12, line = 17),
        labelLarge = style(15, FontWeight.Bold),
        labelMedium = style(12),
        labelSmall = style(11),
    )
}

/** The app's theme; [fontFamily] is the platform's default unless a test pins one. */
@Composable
fun McertTheme(fontFamily: FontFamily = FontFamily.Default, content: @Composable () -> Unit) {
    MaterialTheme(colorScheme = colors, typography = typography(fontFamily), content = content)
}
