import { useEffect, useRef, useState } from 'react';
import { BigButton } from './ui.tsx';

type Detector = { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> };
type DetectorClass = new (options?: { formats?: string[] }) => Detector;

function detectorClass(): DetectorClass | undefined {
  return (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
}

export const canScan = () => detectorClass() !== undefined && !!navigator.mediaDevices?.getUserMedia;

/** The back camera, read a few times a second until a code shows up. */
export function BarcodeScanner({ onCode, onClose }: { onCode(code: string): void; onClose(): void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const Detector = detectorClass();
    if (!Detector) return;
    let stream: MediaStream | undefined;
    let stopped = false;
    const detector = new Detector({ formats: ['ean_13', 'ean_8', 'code_128', 'upc_a', 'qr_code'] });
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        if (!video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        while (!stopped) {
          const [found] = await detector.detect(video.current).catch(() => []);
          if (found?.rawValue) {
            onCode(found.rawValue);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      } catch {
        setError('Caméra indisponible : tapez le code-barres.');
      }
    })();
    return () => {
      stopped = true;
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [onCode]);
  return (
    <div className="space-y-2 rounded-xl border-2 border-black p-2">
      <video ref={video} className="aspect-video w-full rounded-lg bg-black" playsInline muted />
      {error ? <p className="font-bold text-red-800">{error}</p> : null}
      <BigButton tone="secondary" className="w-full" onClick={onClose}>
        Fermer la caméra
      </BigButton>
    </div>
  );
}
