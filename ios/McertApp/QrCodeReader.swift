import AVFoundation
import SwiftUI

/// The camera reading QR codes as text with AVFoundation's own detector, for 【从旧手机迁移】:
/// the old phone's code is handed to the core as text (`requestMigration`), it is not a
/// platform's session for the core's frame reader. Each new text is reported once, on the main
/// queue.
struct QrCodeReader: UIViewRepresentable {
    let onText: (String) -> Void

    func makeCoordinator() -> Coordinator { Coordinator(onText: onText) }

    func makeUIView(context: Context) -> CameraView.PreviewView {
        let view = CameraView.PreviewView()
        context.coordinator.start(on: view)
        return view
    }

    func updateUIView(_ uiView: CameraView.PreviewView, context: Context) {}

    static func dismantleUIView(_ uiView: CameraView.PreviewView, coordinator: Coordinator) { coordinator.stop() }

    final class Coordinator: NSObject, AVCaptureMetadataOutputObjectsDelegate {
        private let onText: (String) -> Void
        private let session = AVCaptureSession()
        private let queue = DispatchQueue(label: "cn.mcert.qr")
        private var last: String?

        init(onText: @escaping (String) -> Void) { self.onText = onText }

        func start(on view: CameraView.PreviewView) {
            AVCaptureDevice.requestAccess(for: .video) { granted in
                guard granted else { return }
                self.queue.async { self.configure(view) }
            }
        }

        private func configure(_ view: CameraView.PreviewView) {
            guard let camera = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back),
                  let input = try? AVCaptureDeviceInput(device: camera) else { return }
            session.beginConfiguration()
            if session.canAddInput(input) { session.addInput(input) }
            let output = AVCaptureMetadataOutput()
            if session.canAddOutput(output) {
                session.addOutput(output)
                // The types can be set once the output is in the session.
                output.setMetadataObjectsDelegate(self, queue: DispatchQueue.main)
                output.metadataObjectTypes = [.qr]
            }
            session.commitConfiguration()
            DispatchQueue.main.async {
                view.previewLayer.session = self.session
                view.previewLayer.videoGravity = .resizeAspectFill
            }
            session.startRunning()
        }

        func stop() { queue.async { self.session.stopRunning() } }

        func metadataOutput(_ output: AVCaptureMetadataOutput, didOutput metadataObjects: [AVMetadataObject], from connection: AVCaptureConnection) {
            let codes = metadataObjects.compactMap { ($0 as? AVMetadataMachineReadableCodeObject)?.stringValue }
            guard let text = codes.first, text != last else { return }
            last = text
            onText(text)
        }
    }
}
