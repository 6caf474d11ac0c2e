import Foundation
import McertFFI
import Security

/// The core's device secret in the iOS Keychain: a generic password item, readable only on this
/// device and only while it is unlocked (`…WhenUnlockedThisDeviceOnly`), never in backups.
final class KeychainSecretStore: DeviceSecretStore {
    private let service = "cn.mcert.device"

    private func query(_ name: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: name,
        ]
    }

    func load(name: String) throws -> Data? {
        var q = query(name)
        q[kSecReturnData as String] = true
        q[kSecMatchLimit as String] = kSecMatchLimitOne
        var out: CFTypeRef?
        let status = SecItemCopyMatching(q as CFDictionary, &out)
        switch status {
        case errSecSuccess: return out as? Data
        case errSecItemNotFound: return nil
        case errSecInteractionNotAllowed: throw HostError.Unavailable(reason: "keychain locked (\(status))")
        default: throw HostError.Failed(reason: "keychain read \(status)")
        }
    }

    func store(name: String, secret: Data) throws {
        SecItemDelete(query(name) as CFDictionary)
        var q = query(name)
        q[kSecValueData as String] = secret
        q[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        let status = SecItemAdd(q as CFDictionary, nil)
        guard status == errSecSuccess else { throw HostError.Failed(reason: "keychain write \(status)") }
    }

    func delete(name: String) throws {
        let status = SecItemDelete(query(name) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw HostError.Failed(reason: "keychain delete \(status)")
        }
    }
}
