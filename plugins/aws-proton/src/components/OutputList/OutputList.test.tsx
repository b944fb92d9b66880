import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { OutputList } from './OutputList';

describe('OutputList', () => {
  it('links URLs and shows other values as text', async () => {
    await renderInTestApp(
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

  it('marks simulated results and hides the marker output itself', async () => {
    await renderInTestApp(
      <OutputList
        outputs={[
          { key: 'vpcId', value: 'vpc-0abc' },
          { key: 'protonServerSimulated', value: 'true' },
        ]}
      />,
    );
    expect(
      screen.getByText('simulated: nothing was created'),
    ).toBeInTheDocument();
    expect(screen.queryByText('protonServerSimulated')).not.toBeInTheDocument();
  });
});
