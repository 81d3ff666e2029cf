/** The series tests' store: the file's Redis, emptied, with a collector DataWriter on it (closed after the test). */
import { DataWriter } from '#collector/store/data-writer.js';
import { test } from '../helpers/fixtures.js';

export const storeTest = test.extend('store', async ({ emptyRedis }, { onCleanup }) => {
  const r = emptyRedis.client();
  const writer = new DataWriter(r, 900);
  onCleanup(async () => {
    await writer.close();
    r.disconnect();
  });
  return { r, writer };
});
