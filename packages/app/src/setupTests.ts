import '@testing-library/jest-dom';

// Rendering Backstage pages in jsdom takes a few hundred milliseconds alone but
// several seconds when CI runs every suite at once on two cores; Jest's 5 s
// default then fails tests that are merely slow. This is a hang guard, not a
// speed check (speed is measured by the benches).
jest.setTimeout(30_000);
