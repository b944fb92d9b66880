export { ServiceOverviewCard } from './ServiceOverviewCard';
