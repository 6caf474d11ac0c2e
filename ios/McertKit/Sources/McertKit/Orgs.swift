// Mirror of android/logic/.../state/Orgs.kt.
import Foundation
import McertFFI

/// 【我的单位】: the organisations with the account's role and the CA authorisation state, and the
/// one the organisation pages show (`current`).
@MainActor
public final class OrgsModel: ObservableObject {
    @Published public private(set) var orgs: [OrganisationView] = []
    @Published public private(set) var loading = false
    @Published public var error: String?
    @Published public var current: OrganisationView?
    /// Organisations' slots waiting for the account to claim them (待申领的证书).
    @Published public private(set) var claims = 0
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func refresh() async {
        loading = true
        defer { loading = false }
        do {
            orgs = try await core.orgs()
            if let c = current { current = orgs.first { $0.id == c.id } ?? c }
            claims = try await core.slots().filter(\.claimable).count
            error = nil
        } catch let e as AppError { error = e.message } catch {}
    }

    public func open(_ org: OrganisationView) { current = org }

    /// Reads the current organisation again (its authorisation may have moved on).
    public func reload() async {
        guard let id = current?.id else { return }
        do {
            let fresh = try await core.org(id: id)
            current = fresh
            orgs = orgs.map { $0.id == id ? fresh : $0 }
            error = nil
        } catch let e as AppError { error = e.message } catch {}
    }
}

/// 【单位注册】: name, credit code, legal representative, the applicant's relation.
@MainActor
public final class RegisterOrgModel: ObservableObject {
    public enum State { case editing, busy, registered(OrganisationView), failed(Problem) }

    @Published public var name = ""
    @Published public private(set) var creditCode = ""
    @Published public var legalRepName = ""
    @Published public var legalRepIdNumber = ""
    @Published public var relation: ApplicantRelation = .agent
    @Published public private(set) var state: State = .editing
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    /// The code as typed so far: upper case, no spaces, at most 18 characters.
    public func setCreditCode(_ text: String) {
        creditCode = String(text.filter { !$0.isWhitespace }.uppercased().prefix(18))
    }

    /// Shown under the code field once all 18 characters are in and the check character is wrong.
    public func creditCodeHint() -> String? {
        creditCode.count == 18 && !Validate.creditCode(creditCode) ? Texts["bad_credit_code"] : nil
    }

    public func check() -> Problem? {
        if !Validate.orgName(name) { return .local("bad_org_name", field: "name") }
        if !Validate.creditCode(creditCode) { return .local("bad_credit_code", field: "credit_code") }
        if !Validate.personName(legalRepName) { return .local("bad_person_name", field: "legal_rep_name") }
        if !Validate.idNumber(legalRepIdNumber.trimmingCharacters(in: .whitespaces)) { return .local("bad_id_number", field: "legal_rep_id") }
        return nil
    }

    public func submit() async {
        if let p = check() { state = .failed(p); return }
        state = .busy
        do {
            state = .registered(try await core.registerOrg(form: NewOrganisationForm(
                name: name.trimmingCharacters(in: .whitespaces),
                creditCode: creditCode,
                legalRepName: legalRepName.trimmingCharacters(in: .whitespaces),
                legalRepIdNumber: legalRepIdNumber.trimmingCharacters(in: .whitespaces).uppercased(),
                applicantRelation: relation
            )))
        } catch let e as AppError { state = .failed(.of(e)) } catch {}
    }

    public func reset() {
        name = ""
        creditCode = ""
        legalRepName = ""
        legalRepIdNumber = ""
        relation = .agent
        state = .editing
    }
}

/// 【CA 授权】: the legal representative's face check, or the letter (template, photo, review),
/// with 审批进度.
@MainActor
public final class AuthorisationModel: ObservableObject {
    public enum Method { case letter, face }
    public enum State { case idle, busy, failed(Problem) }

    private var orgId: String?
    @Published public private(set) var authorisation: AuthorisationView?
    @Published public var method: Method = .letter
    @Published public var legalRepPhone = ""
    @Published public private(set) var picked: PickedFile?
    @Published public private(set) var state: State = .idle
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func load(_ org: OrganisationView) {
        if orgId != org.id {
            picked = nil
            legalRepPhone = ""
        }
        orgId = org.id
        authorisation = org.authorisation
        if org.authorisation.method == "face" { method = .face }
        state = .idle
    }

    /// Whether a new submission may be made (none yet, or the last one was rejected).
    public func canSubmit() -> Bool { authorisation.map { !$0.approved && !$0.pending } ?? false }

    /// 【下载模板】: the filled-in letter as a PDF; nil on failure.
    public func template() async -> Data? {
        guard let id = orgId else { return nil }
        do {
            let pdf = try await core.letterTemplate(orgId: id)
            state = .idle
            return pdf
        } catch let e as AppError { state = .failed(.of(e)) } catch {}
        return nil
    }

    public func pick(_ file: PickedFile) {
        if let p = file.problem() { state = .failed(.local(p, field: "file")); return }
        picked = file
        state = .idle
    }

    @discardableResult
    public func submitLetter() async -> Bool {
        guard let id = orgId else { return false }
        guard let file = picked else { state = .failed(.local("pick_letter_first", field: "file")); return false }
        return await run {
            let upload = try await self.core.upload(orgId: id, purpose: "authorisation_letter", bytes: file.bytes)
            return try await self.core.submitLetter(orgId: id, uploadId: upload.id)
        }
    }

    @discardableResult
    public func submitFace(faceToken: String) async -> Bool {
        guard let id = orgId else { return false }
        let phone = legalRepPhone.trimmingCharacters(in: .whitespaces)
        guard Validate.mobile(phone) else { state = .failed(.local("bad_phone", field: "phone")); return false }
        return await run { try await self.core.authoriseByFace(orgId: id, legalRepPhone: phone, faceToken: faceToken) }
    }

    private func run(_ action: () async throws -> AuthorisationView) async -> Bool {
        state = .busy
        do {
            authorisation = try await action()
            picked = nil
            state = .idle
            return true
        } catch let e as AppError {
            state = .failed(.of(e))
        } catch {}
        return false
    }
}
