import McertKit
import SwiftUI

/// 手机号 + 短信验证码 login.
struct LoginView: View {
    @ObservedObject var login: LoginModel
    let onLoggedIn: () -> Void
    @State private var countdown = 0

    var body: some View {
        Form {
            Section(L("login_title")) {
                TextField(L("phone"), text: $login.phone).keyboardType(.phonePad)
                HStack {
                    SecureField(L("sms_code"), text: $login.code).keyboardType(.numberPad)
                    Button(countdown > 0 ? L("resend_in", countdown) : L("get_code")) { Task { await login.sendCode() } }
                        .disabled(countdown > 0)
                }
                Text(L("login_hint")).font(.caption).foregroundColor(.secondary)
            }
            Button(L("login")) { Task { await login.login() } }
            if case let .failed(message, _) = login.state { Text(message).foregroundColor(.red) }
        }
        .onChange(of: login.state) { state in
            switch state {
            case let .codeSent(secs):
                countdown = secs
                Task {
                    while countdown > 0 {
                        try? await Task.sleep(nanoseconds: 1_000_000_000)
                        countdown -= 1
                    }
                }
            case .loggedIn: onLoggedIn()
            default: break
            }
        }
    }
}

struct PlatformChoiceView: View {
    @ObservedObject var platforms: PlatformModel
    let onChosen: () -> Void

    var body: some View {
        List {
            Section {
                ForEach(platforms.platforms, id: \.id) { p in
                    Button(p.name) { Task { await platforms.choose(p.id); if platforms.chosen != nil { onChosen() } } }
                }
            } header: {
                Text(L("choose_platform_hint"))
            }
            if platforms.platforms.isEmpty && platforms.error == nil { Text(L("platforms_empty")).foregroundColor(.secondary) }
            if let e = platforms.error { Text(e).foregroundColor(.red) }
        }
        .navigationTitle(L("choose_platform"))
        .task { await platforms.load() }
    }
}

/// 【实名认证】: the form, then the face check (the vendor SDK returns a token).
struct IdentityFormView: View {
    @ObservedObject var m: IdentityModel
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        Form {
            Text(L("identity_hint")).font(.caption).foregroundColor(.secondary)
            IdentityFields(m: m)
            Button(L("face_check")) { Task { await m.submit(faceToken: await FaceCheck.run()) } }
            if case let .failed(message, _) = m.state { Text(message).foregroundColor(.red) }
        }
        .navigationTitle(L("identity"))
        .onChange(of: stateIsVerified) { verified in if verified { dismiss() } }
    }

    private var stateIsVerified: Bool { if case .verified = m.state { return true } else { return false } }
}

/// The fields of 【实名认证】 over `m` (name, ID number, phone, and the bank card for four-factor
/// when `bankCard`); `errorField` marks the field a local check refused.
struct IdentityFields: View {
    @ObservedObject var m: IdentityModel
    var bankCard = true
    var errorField: String?

    var body: some View {
        TextField(L("name"), text: $m.name).foregroundColor(errorField == "name" ? .red : nil)
        TextField(L("id_number"), text: $m.idNumber).foregroundColor(errorField == "id_number" ? .red : nil)
        TextField(L("phone"), text: $m.phone).keyboardType(.phonePad).foregroundColor(errorField == "phone" ? .red : nil)
        if bankCard { TextField(L("bank_card"), text: $m.bankCard).keyboardType(.numberPad) }
    }
}

/// The face-liveness step; the identity vendor's SDK supplies the token. (Development services
/// accept `dev-live-ok`.)
enum FaceCheck {
    static var provider: () async -> String = { "dev-live-ok" }
    static func run() async -> String { await provider() }
}
