import { useQuery } from '@tanstack/react-query';

/** Placeholder shell: the dashboard lands with its own issue. */
export function App() {
  const health = useQuery({
    queryKey: ['health'],
    queryFn: async () => (await fetch('/api/health/')).json() as Promise<{ status: string }>,
  });
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-2xl font-semibold text-emerald-800">Gapal</h1>
      <p className="mt-2 text-slate-600">Commandes et stocks — Gapal du Faso</p>
      <p className="mt-6 text-sm">
        Serveur :{' '}
        {health.isPending ? 'vérification…' : health.data?.status === 'ok' ? 'en ligne' : 'injoignable'}
      </p>
    </main>
  );
}
