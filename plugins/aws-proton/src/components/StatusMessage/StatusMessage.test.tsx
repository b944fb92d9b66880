import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderSettled } from '../../__testUtils__/renderSettled';
import { StatusMessage } from './StatusMessage';

describe('StatusMessage', () => {
  it('shows a short message as it is', async () => {
    await renderSettled(
      <StatusMessage message="Deployment succeeded" subject="orders/dev" />,
    );
    expect(screen.getByText('Deployment succeeded')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows the first line of a long message and opens the whole of it in a panel', async () => {
    const message = [
      `Step 2 of 3 (pulumi up --yes) failed with exit status 1: error: ${'x'.repeat(
        200,
      )}`,
      'second line of detail',
    ].join('\n');
    await renderSettled(
      <StatusMessage message={message} subject="orders/dev" />,
    );
    expect(
      screen.getByText(/^Step 2 of 3 \(pulumi up --yes\) failed.*…$/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/second line/)).not.toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Show the full message of orders/dev',
      }),
    );
    const panel = await screen.findByRole('dialog');
    expect(
      within(panel).getByRole('heading', { name: 'Message of orders/dev' }),
    ).toBeInTheDocument();
    expect(within(panel).getByText(/second line of detail/)).toHaveTextContent(
      message.replace(/\n/g, ' ').replace(/\s+/g, ' '),
      { normalizeWhitespace: true },
    );
    await userEvent.click(within(panel).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
