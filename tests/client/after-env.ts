// Pages that talk to the real backend process answer in more than testing-library's default second on a loaded machine.
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 5000 });
