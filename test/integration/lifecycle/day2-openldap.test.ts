import { openldapAdapter } from '../../helpers/directory-scenarios';
import { day2Suite } from './day2';

describe('day 2 on OpenLDAP', () => day2Suite('openldap', () => openldapAdapter('day2')));
