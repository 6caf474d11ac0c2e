import PhotosUI
import SwiftUI
import UIKit

/// A button that opens the photo library for one picture (【从相册选择】) and hands it over as
/// PNG or JPEG bytes, the two kinds the core reads: the system is asked for its most compatible
/// encoding, and anything else (a HEIC photo) is converted to PNG here.
/// `nil` when the picture could not be loaded (the caller says so in words).
struct PhotoLibraryButton: View {
    let title: String
    let onPicked: (Data?) -> Void
    @State private var item: PhotosPickerItem?

    var body: some View {
        PhotosPicker(selection: $item, matching: .images, preferredItemEncoding: .compatible) {
            Label(title, systemImage: "photo.on.rectangle")
        }
        .onChange(of: item) { picked in
            guard let picked else { return }
            // Ready for the next pick, the same picture again included.
            item = nil
            Task { @MainActor in
                let data = try? await picked.loadTransferable(type: Data.self)
                onPicked(data.map(Self.pngOrJpeg))
            }
        }
    }

    /// The picture as PNG or JPEG: as it is when it is one of them, otherwise re-encoded (as it
    /// is when the system cannot decode it either: the core then says it cannot read it).
    static func pngOrJpeg(_ data: Data) -> Data {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
        if data.starts(with: png) || data.starts(with: jpeg) { return data }
        return UIImage(data: data)?.pngData() ?? data
    }
}
