// The Android app: the shared Compose screens of ../ui (compiled and rendered for the desktop
// by ../desktop) over the pure-Kotlin logic of ../logic (tested on the JVM by ../jvm), the
// bridge to the bindings in ../bridge, the Android flavour of the generated bindings, and the
// Rust core built with cargo-ndk for arm64-v8a, armeabi-v7a and x86_64. This module itself is
// the thin Android layer: activity, application, Keystore secret store, CameraX viewfinder.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
    id("org.jetbrains.kotlin.plugin.compose")
}

val repoRoot = rootProject.projectDir.parentFile
val generatedBindings = layout.buildDirectory.dir("generated/uniffi")
val jniLibsDir = layout.projectDirectory.dir("src/main/jniLibs")

android {
    namespace = "cn.mcert.app"
    compileSdk = 35
    ndkVersion = "27.2.12479018"

    defaultConfig {
        applicationId = "cn.mcert.app"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    buildFeatures {
        compose = true
    }
    sourceSets["main"].apply {
        java.srcDirs("../logic/src/main/kotlin", "../bridge/src/main/kotlin", "../ui/src/main/kotlin", generatedBindings)
        // The script's directory (a plain `jniLibs` here would be the source set's own property).
        jniLibs.srcDirs(jniLibsDir)
    }
}

kotlin {
    jvmToolchain(17)
}

// The core for every ABI (release, stripped by the NDK toolchain).
val cargoNdk by tasks.registering(Exec::class) {
    workingDir = repoRoot
    commandLine(
        "cargo", "ndk",
        "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "-o", jniLibsDir.asFile.path,
        "build", "--release", "--locked", "-p", "mcert-ffi",
    )
}

// The Android flavour of the Kotlin bindings (bindings/uniffi.toml: android = true).
val uniffiBindings by tasks.registering(Exec::class) {
    dependsOn(cargoNdk)
    workingDir = repoRoot
    commandLine(
        "cargo", "run", "--locked", "-p", "uniffi-bindgen", "--",
        "generate", "--library", jniLibsDir.file("arm64-v8a/libmcert_ffi.so").asFile.path,
        "--language", "kotlin", "--out-dir", generatedBindings.get().asFile.path,
    )
}

tasks.named("preBuild") { dependsOn(uniffiBindings) }

dependencies {
    val composeBom = platform("androidx.compose:compose-bom:2024.12.01")
    implementation(composeBom)
    implementation("androidx.compose.material3:material3")
    implementation("androidx.compose.ui:ui")
    implementation("androidx.compose.ui:ui-tooling-preview")
    implementation("androidx.compose.material:material-icons-extended")
    implementation("androidx.activity:activity-compose:1.9.3")
    implementation("androidx.lifecycle:lifecycle-viewmodel-compose:2.8.7")
    implementation("androidx.lifecycle:lifecycle-runtime-compose:2.8.7")
    implementation("androidx.camera:camera-core:1.4.1")
    implementation("androidx.camera:camera-camera2:1.4.1")
    implementation("androidx.camera:camera-lifecycle:1.4.1")
    implementation("androidx.camera:camera-view:1.4.1")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.10.2")
    // JNA for Android (the AAR carries libjnidispatch for every ABI).
    implementation("net.java.dev.jna:jna:5.17.0@aar")
    debugImplementation("androidx.compose.ui:ui-tooling")
}
