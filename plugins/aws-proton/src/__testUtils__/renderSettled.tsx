import { renderInTestApp } from '@backstage/frontend-test-utils';
import { act, RenderResult } from '@testing-library/react';
import { ReactElement } from 'react';

/**
 * `renderInTestApp` of the new frontend system, in `act` with an async callback: the test app renders
 * synchronously, so without it the reads that components start when they mount would settle outside
 * `act`. Tests still wait for what a read shows with `findBy…`.
 */
export async function renderSettled(
  element: ReactElement,
  options?: Parameters<typeof renderInTestApp>[1],
): Promise<RenderResult> {
  let result: RenderResult | undefined;
  await act(async () => {
    result = renderInTestApp(element, options);
  });
  return result!;
}
