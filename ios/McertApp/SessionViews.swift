import McertKit
import SwiftUI

/// 手机号 + 短信验证码 login.
struct LoginView: View {
    @ObservedObject var login: LoginModel
    let onLoggedIn: () -> Void
    @State private var countdown = 0

    var body: some View {
        Form {
            Section("手机号登录") {
                TextField("手机号", text: $login.phone).keyboardType(.phonePad)
                HStack {
                    SecureField("短信验证码", text: $login.code).keyboardType(.numberPad)
                    Button(countdown > 0 ? "\(countdown) 秒后重发" : "获取验证码") { Task { await login.sendCode() } }
                        .disabled(countdown > 0)
                }
            }
            Button("登录") { Task { await login.login() } }
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
        List(platforms.platforms, id: \.id) { p in
            Button(p.name) { Task { await platforms.choose(p.id); if platforms.chosen != nil { onChosen() } } }
        }
        .navigationTitle("选择平台")
        .task { await platforms.load() }
    }
}

/// 【实名认证】: the form, then the face check (the vendor SDK returns a token).
struct IdentityFormView: View {
    @ObservedObject var m: IdentityModel
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        Form {
            TextField("姓名", text: $m.name)
            TextField("身份证号", text: $m.idNumber)
            TextField("手机号", text: $m.phone).keyboardType(.phonePad)
            TextField("银行卡号（选填，四要素认证）", text: $m.bankCard).keyboardType(.numberPad)
            Button("开始人脸识别并提交") { Task { await m.submit(faceToken: await FaceCheck.run()) } }
            if case let .failed(message, _) = m.state { Text(message).foregroundColor(.red) }
        }
        .navigationTitle("实名认证")
        .onChange(of: stateIsVerified) { verified in if verified { dismiss() } }
    }

    private var stateIsVerified: Bool { if case .verified = m.state { return true } else { return false } }
}

/// The face-liveness step; the identity vendor's SDK supplies the token. (Development services
/// accept `dev-live-ok`.)
enum FaceCheck {
    static var provider: () async -> String = { "dev-live-ok" }
    static func run() async -> String { await provider() }
}
