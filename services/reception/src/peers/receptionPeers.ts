import { createReceptionClient, SequencedStream, toServiceError, type CoSignStreamRequest, type CoSignStreamResponse, type ReceptionClient } from '../../../rpc/src/index.js';

/** What a reception node needs of the other RNs of its roster. */
export interface Peers {
  /** The gRPC client of the RN at `endpoint` (ForwardTx). */
  clientFor(endpoint: string): ReceptionClient;
  /**
   * WP 2.1 step 3 from RN_k's side: the co-signature of the RN at `endpoint` over `batch`, or a
   * rejection (a grpc-js-shaped error: the member's coded refusal, DEADLINE_EXCEEDED after
   * `timeoutMs`, or the transport's failure).
   */
  coSign(endpoint: string, batch: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  close(): void;
}

interface Peer {
  client: ReceptionClient;
  coSigns: SequencedStream<CoSignStreamRequest, CoSignStreamResponse>;
}

/**
 * One connection per peer RN, made on first use and kept: RN_k asks every co-signer of every
 * batch over one CoSignStream per peer (opened again after a break), rather than a CoSign call
 * each, which on a loaded machine cost a few hundred µs of CPU per call at both ends.
 */
export class ReceptionPeers implements Peers {
  private readonly peers = new Map<string, Peer>();

  clientFor(endpoint: string): ReceptionClient {
    return this.peer(endpoint).client;
  }

  async coSign(endpoint: string, batch: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const res = await this.peer(endpoint).coSigns.request({ batch: Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength) }, timeoutMs);
    const answer = res.answer;
    if (answer?.$case === 'cosignature') return answer.cosignature;
    const rejection = answer?.rejection ?? { code: 'EMPTY_ANSWER', message: 'the co-signer answered neither a co-signature nor a refusal' };
    throw toServiceError(rejection.code, rejection.message);
  }

  close(): void {
    for (const p of this.peers.values()) {
      p.coSigns.close();
      p.client.close();
    }
    this.peers.clear();
  }

  private peer(endpoint: string): Peer {
    let p = this.peers.get(endpoint);
    if (p === undefined) {
      const client = createReceptionClient(endpoint);
      p = { client, coSigns: new SequencedStream((metadata) => client.coSignStream(metadata)) };
      this.peers.set(endpoint, p);
    }
    return p;
  }
}
