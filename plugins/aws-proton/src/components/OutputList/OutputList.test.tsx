import { act, fireEvent, screen } from '@testing-library/react';
import copyToClipboard from 'copy-to-clipboard';
import { OutputList } from './OutputList';
import { renderSettled } from '../../__testUtils__/renderSettled';

// the library react-use copies with; jsdom has no clipboard
jest.mock('copy-to-clipboard', () => jest.fn(() => true));
const copied = copyToClipboard as jest.MockedFunction<typeof copyToClipboard>;

describe('OutputList', () => {
  it('links URLs and shows other values as text', async () => {
    await renderSettled(
      <OutputList
        outputs={[
          { key: 'serviceUrl', value: 'http://lb.example/hello' },
          { key: 'clusterName', value: 'dev-cluster' },
        ]}
      />,
    );
    expect(
      screen.getByRole('link', { name: 'http://lb.example/hello' }),
    ).toBeInTheDocument();
    expect(screen.getByText('dev-cluster')).toBeInTheDocument();
    expect(screen.queryByText(/simulated/)).not.toBeInTheDocument();
  });

  it('marks simulated results, hides the marker output itself and links no simulated host', async () => {
    await renderSettled(
      <OutputList
        outputs={[
          { key: 'vpcId', value: 'vpc-0abc' },
          {
            key: 'serviceUrl',
            value: 'http://dev-simulated.us-east-1.elb.amazonaws.com/hello',
          },
          { key: 'protonServerSimulated', value: 'true' },
        ]}
      />,
    );
    expect(
      screen.getByText('simulated: nothing was created'),
    ).toBeInTheDocument();
    expect(screen.queryByText('protonServerSimulated')).not.toBeInTheDocument();
    expect(
      screen.getByText(
        'http://dev-simulated.us-east-1.elb.amazonaws.com/hello',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });

  describe('copy buttons', () => {
    beforeEach(() => {
      copied.mockReset().mockReturnValue(true);
      jest.useFakeTimers();
    });
    afterEach(() => jest.useRealTimers());

    it('copies the value of the output it names, says so, and turns back after two seconds', async () => {
      await renderSettled(
        <OutputList
          outputs={[
            { key: 'serviceUrl', value: 'http://lb.example/hello' },
            { key: 'clusterName', value: 'dev-cluster' },
          ]}
        />,
      );
      fireEvent.click(screen.getByRole('button', { name: 'Copy clusterName' }));
      expect(copied).toHaveBeenCalledTimes(1);
      expect(copied.mock.calls[0][0]).toBe('dev-cluster');
      expect(
        screen.getByRole('button', { name: 'Copied clusterName' }),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: 'Copy serviceUrl' }),
      ).toBeInTheDocument();
      act(() => {
        jest.advanceTimersByTime(1999);
      });
      expect(
        screen.getByRole('button', { name: 'Copied clusterName' }),
      ).toBeInTheDocument();
      act(() => {
        jest.advanceTimersByTime(1);
      });
      expect(
        screen.getByRole('button', { name: 'Copy clusterName' }),
      ).toBeInTheDocument();
    });

    it('says when the browser refused to copy', async () => {
      copied.mockImplementation(() => {
        throw new Error('Copy to clipboard is not allowed');
      });
      await renderSettled(
        <OutputList outputs={[{ key: 'vpcId', value: 'vpc-0abc' }]} />,
      );
      fireEvent.click(screen.getByRole('button', { name: 'Copy vpcId' }));
      expect(
        screen.getByRole('button', { name: 'Could not copy vpcId' }),
      ).toBeInTheDocument();
    });

    it('has nothing to copy for an empty value', async () => {
      await renderSettled(
        <OutputList outputs={[{ key: 'note', value: '' }]} />,
      );
      expect(
        screen.queryByRole('button', { name: /copy/i }),
      ).not.toBeInTheDocument();
    });
  });
});
