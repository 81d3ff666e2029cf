/**
 * The simulator's webhook sender: posts the messages of a change (webhook-events.ts) to a URL,
 * signed as Mist signs them (`X-Mist-Signature-v2`: HMAC-SHA256, `X-Mist-Signature`: HMAC-SHA1, hex,
 * of the raw body), with optional loss (a share of messages dropped) and delay (each message waits a
 * random 0..delay ms, so messages can arrive out of order). No retries: a lost or refused message is
 * what the receiver's next poll must make up for. `GET|POST /__sim/webhooks` shows and changes it.
 */
import type { Logger } from '#common/log.js';
import { SIGNATURE_HEADER, SIGNATURE_V1_HEADER, signV1, signV2 } from '#common/webhook-signature.js';
import { SimInputError } from './http.js';
import type { SimOrg } from './model.js';
import type { Rng } from './rng.js';
import { changeMessages, type StateSnapshot, snapshot, type WebhookMessage } from './webhook-events.js';

export interface WebhookOptions {
  url: string;
  secret: string;
  /** Share of messages dropped, 0..1. */
  loss?: number;
  /** Each message is posted after a random 0..delayMs milliseconds. */
  delayMs?: number;
}

export interface WebhookStats {
  /** Messages posted and answered 2xx, and their events. */
  messages_sent: number;
  events_sent: number;
  /** Messages dropped on purpose (loss). */
  messages_lost: number;
  /** Messages the receiver refused or never answered. */
  messages_failed: number;
  /** Messages waiting for their delay or their answer. */
  in_flight: number;
}

const POST_TIMEOUT_MS = 10_000;

export class WebhookSender {
  private loss: number;
  private delayMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly posts = new Set<Promise<void>>();
  private closed = false;
  private readonly counts: Omit<WebhookStats, 'in_flight'> = {
    messages_sent: 0,
    events_sent: 0,
    messages_lost: 0,
    messages_failed: 0,
  };

  constructor(
    private readonly opts: WebhookOptions,
    private readonly rng: Rng,
    private readonly log: Logger,
  ) {
    this.loss = opts.loss ?? 0;
    this.delayMs = opts.delayMs ?? 0;
  }

  /** The states a change is compared with (take it before changing the org). */
  before(org: SimOrg): StateSnapshot {
    return snapshot(org);
  }

  /** Post the messages of what changed since `before`, stamped `now` (the simulated clock). */
  changed(org: SimOrg, before: StateSnapshot, now: number): void {
    for (const msg of changeMessages(org, before, now)) this.send(msg);
  }

  private send(msg: WebhookMessage): void {
    if (this.closed) return;
    if (this.loss > 0 && this.rng.chance(this.loss)) {
      this.counts.messages_lost++;
      this.log.debug({ topic: msg.topic, events: msg.events.length }, 'webhook message dropped (loss)');
      return;
    }
    const wait = this.delayMs > 0 ? this.rng.next() * this.delayMs : 0;
    if (wait === 0) {
      this.post(msg);
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.post(msg);
    }, wait);
    this.timers.add(t);
  }

  private post(msg: WebhookMessage): void {
    const body = JSON.stringify(msg);
    const p = fetch(this.opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signV2(this.opts.secret, body),
        [SIGNATURE_V1_HEADER]: signV1(this.opts.secret, body),
      },
      body,
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.counts.messages_sent++;
          this.counts.events_sent += msg.events.length;
        } else {
          this.counts.messages_failed++;
          this.log.warn({ status: res.status, topic: msg.topic }, 'webhook message refused');
        }
      })
      .catch((e) => {
        this.counts.messages_failed++;
        this.log.warn({ err: String(e), topic: msg.topic }, 'webhook message not delivered');
      })
      .finally(() => this.posts.delete(p));
    this.posts.add(p);
  }

  stats(): WebhookStats & { url: string; loss: number; delay_ms: number } {
    return {
      url: this.opts.url,
      loss: this.loss,
      delay_ms: this.delayMs,
      ...this.counts,
      in_flight: this.timers.size + this.posts.size,
    };
  }

  /** `POST /__sim/webhooks {loss?, delay_ms?}`. */
  configure(body: Record<string, unknown>): void {
    const { loss, delay_ms } = body;
    if (loss !== undefined && (typeof loss !== 'number' || !(loss >= 0 && loss <= 1))) {
      throw new SimInputError('"loss" must be a number between 0 and 1');
    }
    if (
      delay_ms !== undefined &&
      (typeof delay_ms !== 'number' || !Number.isFinite(delay_ms) || delay_ms < 0 || delay_ms > 600_000)
    ) {
      throw new SimInputError('"delay_ms" must be a number of milliseconds between 0 and 600000');
    }
    if (loss !== undefined) this.loss = loss;
    if (delay_ms !== undefined) this.delayMs = delay_ms;
  }

  /** Resolves when every message so far has been posted and answered (or dropped). */
  async idle(): Promise<void> {
    while (this.timers.size > 0 || this.posts.size > 0) {
      if (this.posts.size > 0) await Promise.all([...this.posts]);
      else await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Drop the delayed messages, wait for the posts in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.posts]);
  }
}
