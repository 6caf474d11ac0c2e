// The mcert Android app. Built on a developer workstation with the Android SDK and NDK,
// cargo-ndk (`cargo install cargo-ndk`) and the Rust Android targets
// (`rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android`).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "mcert"
include(":app")
