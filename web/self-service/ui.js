// The self-service page's screens (web/shared/screens.js), its errors worded for a customer.

import { pageScreens } from '../shared/screens.js';
import { describeError } from './api.js';

export const { onOpen, showScreen, announce, showError, clearError, busy } = pageScreens(['signin', 'profile', 'edit', 'choices', 'history', 'mydata'], describeError);
